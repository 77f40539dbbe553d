#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wiresift_fuzz::x509(data));
