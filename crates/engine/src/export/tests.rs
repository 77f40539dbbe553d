use super::*;
use crate::logs::apps::testing::hex;
use std::io::Write;

/// The gzip body (386 bytes, Content-Encoding: gzip) of the response in
/// frame 3 of scapy's http_compressed.pcap; tshark exports it as 513 bytes
/// of HTML.
fn gzip_body() -> Vec<u8> {
    hex(concat!(
        "1f8b08000000000002ff45515d6fdb300cfc2b9a1f92a79a963fe4b889326049810de8daa27031eca9502dd5162a5b86",
        "a5d84b7ffda814451f8e3a5207f244edbe1def0ff5df871bd2f9de9087a71fb7bf0e24ba02f8931d008ef591fcac7fdf",
        "923c4e28a9273138edb51d8401b8b98b48d4793f5e032ccb122f596ca716ea4708ad7230d63a154b2fa3fd2e54302a21",
        "f73bafbd51fb1d7c9e1fd5172bcfc4f9b3513c7a11cd5b3bd9d320af1a6bec744d7c983c8a490d1ebbe9be256e6af83a",
        "4c77387ed4ff94897be13b2fdab8b13da819a580c2efbd7fd692d382e68cad301132a409a379be9a295fcd2922e32b87",
        "dc2177c8ed24799ae4655a56252bd664d1d2777c4dd7a453baedfc85c29791e8d388904e4db36e54dc5adb1a75f12265",
        "0fafc6c13b046dc60ac668b9f5e751f16e9c356e74db08cf3bdbab91569bed29e5db134314881c91212a044d30948184",
        "0a0d57948670a96df869781bec326003148637d00a6725d986b194157155642c42d710761d161f3ee53f398951560102",
        "0000"
    ))
}

#[test]
fn gzip_from_a_capture() {
    let body = gzip_body();
    assert_eq!(body.len(), 386);
    let d = decode(Some(b"gzip"), &body, &Limits::default());
    assert_eq!(d.decoding, Decoding::Whole);
    assert_eq!(d.data.len(), 513);
    assert!(d.data.starts_with(b"<!DOCTYPE html PUBLIC"));
    assert!(d.data.ends_with(b"/></body></html>"));
    // The coding named differently, or in another case, decodes the same.
    for name in [&b"x-gzip"[..], b"GZIP", b"deflate", b" gzip "] {
        assert_eq!(decode(Some(name), &body, &Limits::default()).data, d.data);
    }
    // Not a coding tshark undoes: the body as it is.
    let raw = decode(Some(b"compress"), &body, &Limits::default());
    assert_eq!((raw.decoding, raw.data.len()), (Decoding::None, 386));
    // Said to be brotli, but it is not: kept as sent.
    let raw = decode(Some(b"br"), &body, &Limits::default());
    assert_eq!((raw.decoding, raw.data.len()), (Decoding::Failed, 386));
    assert_eq!(
        decode(None, &body, &Limits::default()).decoding,
        Decoding::None
    );
}

/// The brotli body (52 bytes, Content-Encoding: br) of the response in
/// frame 1 of scapy's http_compressed-brotli.pcap; tshark exports it as the
/// 66 bytes of text below.
const BROTLI_BODY: &str = "1f4100e0c56dec7756f7b58b1c521048e09003f66f9730d04024b8019bdba0f45c924cc46f8958f74bf74b6f8c2e2c2864061d03";

#[test]
fn brotli_from_a_capture() {
    let body = hex(BROTLI_BODY);
    let text = b"This is a test file for testing brotli decompression in Wireshark\n";
    for name in [&b"br"[..], b"BR", b" br"] {
        let d = decode(Some(name), &body, &Limits::default());
        assert_eq!(d.decoding, Decoding::Whole);
        assert_eq!(&d.data[..], &text[..]);
    }
    // HTTP/2 reads the value as tshark's http2 dissector does.
    assert_eq!(Coding::of_http2(b"br"), Some(Coding::Brotli));
    assert_eq!(Coding::of_http2(b"BR"), None);
    // Cut short: all or nothing, as tshark's brotli call.
    let cut = decode(Some(b"br"), &body[..30], &Limits::default());
    assert_eq!(
        (cut.decoding, &cut.data[..]),
        (Decoding::Failed, &body[..30])
    );
}

#[test]
fn brotli_bomb_stops_at_the_limits() {
    // The caps hold for brotli as for gzip: the 66 bytes the capture's body
    // decodes to pass a 10-byte cap, and the coded body is kept.
    let body = hex(BROTLI_BODY);
    let tiny = Limits {
        max_object: 10,
        ratio_floor: 10,
        ..Limits::default()
    };
    assert_eq!(
        decode(Some(b"br"), &body, &tiny).decoding,
        Decoding::OverLimit
    );
}

#[test]
fn truncated_gzip_keeps_what_decoded() {
    let body = gzip_body();
    let whole = decode(Some(b"gzip"), &body, &Limits::default()).data;
    let cut = decode(Some(b"gzip"), &body[..300], &Limits::default());
    assert_eq!(cut.decoding, Decoding::Partial);
    assert!(!cut.data.is_empty() && cut.data.len() < whole.len());
    assert!(whole.starts_with(&cut.data));
    // Only the header: nothing decodes, the coded bytes are kept.
    let head = decode(Some(b"gzip"), &body[..10], &Limits::default());
    assert_eq!(head.decoding, Decoding::Failed);
    assert_eq!(&head.data[..], &body[..10]);
    // A corrupt stream after some output: the output.
    let mut bad = body.clone();
    bad[200] ^= 0xff;
    let d = decode(Some(b"gzip"), &bad, &Limits::default());
    assert!(matches!(d.decoding, Decoding::Partial | Decoding::Failed));
}

#[test]
fn zlib_and_raw_deflate() {
    let text = b"hello hello hello hello, deflate".repeat(10);
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(&text).unwrap();
    let zlib = z.finish().unwrap();
    let mut r = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    r.write_all(&text).unwrap();
    let raw = r.finish().unwrap();
    for body in [zlib, raw] {
        let d = decode(Some(b"deflate"), &body, &Limits::default());
        assert_eq!(d.decoding, Decoding::Whole);
        assert_eq!(&d.data[..], &text[..]);
    }
    // Neither: kept as sent.
    let d = decode(
        Some(b"deflate"),
        b"plain text, not deflate",
        &Limits::default(),
    );
    assert_eq!(d.decoding, Decoding::Failed);
}

#[test]
fn bomb_stops_at_the_limits() {
    // 64 MiB of zeros gzip to about 64 KiB: past the ratio cap.
    let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..64 {
        z.write_all(&zeros).unwrap();
    }
    let bomb = z.finish().unwrap();
    let d = decode(Some(b"gzip"), &bomb, &Limits::default());
    assert_eq!(d.decoding, Decoding::OverLimit);
    assert_eq!(&d.data[..], &bomb[..]);
    // The absolute cap holds whatever the ratio.
    let small = Limits {
        max_object: 1000,
        ..Limits::default()
    };
    let body = gzip_body();
    let d = decode(Some(b"gzip"), &body, &small);
    assert_eq!((d.decoding, d.data.len()), (Decoding::Whole, 513));
    let tiny = Limits {
        max_object: 100,
        ..Limits::default()
    };
    assert_eq!(
        decode(Some(b"gzip"), &body, &tiny).decoding,
        Decoding::OverLimit
    );
}

#[test]
fn bodies_dechunked_and_cut() {
    // A chunked response, two chunks then the last one.
    let msg = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: Image/GIF; x=y\r\n\r\n4\r\nGIF8\r\n3\r\n9a!\r\n0\r\n\r\n";
    let v = HttpView::new(msg).unwrap();
    assert_eq!(entity(&v).as_deref(), Some(&b"GIF89a!"[..]));
    let m = Message::read(&v, &Limits::default());
    assert_eq!(m.content_type.as_deref(), Some(&b"image/gif"[..]));
    assert!(m.request.is_none());
    // Only the last chunk, or no body: no object.
    let v =
        HttpView::new(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n").unwrap();
    assert!(entity(&v).is_none());
    let v = HttpView::new(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n").unwrap();
    assert!(entity(&v).is_none());
}

#[test]
fn names_follow_the_last_request() {
    let mut o = Objects::default();
    let req =
        HttpView::new(b"POST /a/hi.php?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nab")
            .unwrap();
    let resp = HttpView::new(b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx").unwrap();
    let l = Limits::default();
    let a = o.message(1, 4, Message::read(&req, &l)).unwrap();
    assert_eq!(a.filename.as_deref(), Some(&b"hi.php?x=1"[..]));
    assert_eq!(a.hostname.as_deref(), Some(&b"h"[..]));
    assert_eq!(file_name(&a), b"hi.php%3fx=1");
    let b = o.message(1, 6, Message::read(&resp, &l)).unwrap();
    assert_eq!(b.filename, a.filename);
    // Another connection has no request: unnamed.
    let c = o.message(2, 9, Message::read(&resp, &l)).unwrap();
    assert_eq!(c.filename, None);
    assert_eq!(file_name(&c), b"object9");
    o.conn_ended(1);
    assert_eq!(
        o.message(1, 10, Message::read(&resp, &l)).unwrap().filename,
        None
    );
}

#[test]
fn tshark_file_names() {
    assert_eq!(basename(b"/"), b"/");
    assert_eq!(basename(b"///"), b"/");
    assert_eq!(basename(b""), b".");
    assert_eq!(basename(b"/ipp/"), b"ipp");
    assert_eq!(basename(b"*"), b"*");
    assert_eq!(basename(b"/a/b.cgi?u=/x/y"), b"y");
    let obj = |filename: Option<&[u8]>, ct: Option<&[u8]>| Object {
        frame: 184,
        hostname: None,
        content_type: ct.map(<[u8]>::to_vec),
        filename: filename.map(<[u8]>::to_vec),
        data: Vec::new(),
        decoding: Decoding::None,
    };
    // As tshark wrote them for zeek's http-methods.pcap.
    assert_eq!(file_name(&obj(Some(b"/"), None)), b"%2f");
    assert_eq!(file_name(&obj(Some(b"*"), None)), b"%2a");
    assert_eq!(
        file_name(&obj(None, Some(b"text/html"))),
        b"object184.text%2fhtml"
    );
    assert_eq!(
        file_name(&obj(Some(b"a\tb\x01<>:\"\\|"), None)),
        b"a%09b%01%3c%3e%3a%22%5c%7c"
    );
    assert_eq!(numbered(b"%2f", 10), b"%2f(10)");
    assert_eq!(numbered(b"1.1", 3), b"1(3).1");
    assert_eq!(numbered(b".", 1), b"(1).");
    assert_eq!(numbered(b"certfnsh.asp", 2), b"certfnsh(2).asp");
    // Long names keep their extension within 255 bytes.
    let long = [b"x".repeat(300), b".jpg".to_vec()].concat();
    let n = file_name(&obj(Some(&long), None));
    assert_eq!(n.len(), MAX_FILE_NAME);
    assert!(n.ends_with(b"x.jpg"));
    let n = numbered(&n, 12);
    assert_eq!(n.len(), MAX_FILE_NAME);
    assert!(n.ends_with(b"x(12).jpg"));
}

/// A mail's object as tshark's IMF export names it: the Subject as sent
/// (a folded one keeps its line end, escaped), bytes past 0x7f as U+FFFD,
/// nothing for a mail without one.
#[test]
fn mails_are_named_after_their_subject() {
    let mail = b"From: a@b\r\nSubject: Re: a/b\r\n  c\xe9\r\n\r\nbody\r\n";
    let o = mail_object(7, mail);
    assert_eq!(o.frame, 7);
    assert_eq!(o.data, mail);
    assert_eq!(o.content_type.as_deref(), Some(&b"EML file"[..]));
    assert_eq!(
        String::from_utf8(file_name(&o)).unwrap(),
        "Re%3a a%2fb%0d%0a  c\u{fffd}.eml"
    );
    assert_eq!(
        file_name(&mail_object(1, b"From: a@b\r\n\r\nx\r\n")),
        b".eml"
    );
}

fn mail_object(frame: u64, bytes: &[u8]) -> Object {
    mail(frame, &wire::imf::ImfView::new(bytes))
}
