//! A mail's MIME entities walked for files.log on any bytes (with and
//! without an empty last line), the same bytes as an HTTP multipart body
//! (its first line the boundary), and the file-name rule on them as a
//! header value. The contract: no panic, bounded work, every file's
//! offsets inside the text and within the bounds.
#![no_main]

use wiresift_engine::logs::mime;

fn check(m: &mime::Mail, data: &[u8]) {
    assert!(m.files.len() <= mime::MAX_FILES);
    assert!(m.files.len() as u64 + m.files_dropped <= m.entities);
    assert!(m.weirds.len() <= mime::MAX_WEIRDS);
    assert!(m.weirds.iter().all(|(at, _)| *at <= data.len()));
    for f in &m.files {
        assert!(f.first_at <= f.last_at && f.last_at <= data.len());
        assert!(f.entity >= 1 && f.entity <= m.entities);
        assert!(f.head.len() as u64 <= f.seen);
    }
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    for blank in [false, true] {
        check(&mime::walk(data, blank), data);
    }
    let (first, body) = data.split_at(data.iter().position(|&c| c == b'\n').unwrap_or(0));
    let mut head = b"Content-Type: multipart/form-data; boundary=".to_vec();
    head.extend_from_slice(first);
    check(&mime::walk_body(&[&head], body), body);
    let name = mime::filename(data);
    assert!(name.len() <= data.len());
});
