//! A mail's MIME entities walked for files.log on any bytes, fed as they
//! would come in pieces (the first byte sets their length) and marked
//! with each piece's end (with and without an empty last line); the same
//! bytes as an HTTP multipart body (its first line the boundary; whole
//! and in pieces, alike), and the
//! file-name rule on them as a header value. The contract: no panic,
//! bounded work, every file's marks inside the text and within the
//! bounds, a mail read in pieces is read as it is whole, and one cut
//! by a gap halfway ends there.
#![no_main]

use wiresift_engine::logs::mime;

fn check(m: &mime::Mail, data: &[u8]) {
    assert!(m.files.len() <= mime::MAX_FILES);
    assert!(m.files.len() as u64 + m.files_dropped <= m.entities);
    assert!(m.weirds.len() <= mime::MAX_WEIRDS);
    let len = data.len() as i64;
    assert!(m.weirds.iter().all(|(at, _)| *at <= len));
    for f in &m.files {
        assert!(f.first_at <= f.last_at && f.last_at <= len);
        assert!(f.entity >= 1 && f.entity <= m.entities);
        assert!(f.head.len() as u64 <= f.seen);
    }
}

/// `data` fed to `r` in pieces of `piece` bytes, each marked with its end.
fn in_pieces(mut r: mime::MailReader, data: &[u8], piece: usize) -> mime::MailReader {
    let mut at = 0;
    for p in data.chunks(piece) {
        at += p.len();
        r.feed(p, at as i64);
    }
    r
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let piece = usize::from(data.first().copied().unwrap_or(1)).max(1);
    for blank in [false, true] {
        let pieces = in_pieces(mime::MailReader::default(), data, piece);
        let pieces = pieces.finish(blank, data.len() as i64);
        check(&pieces, data);
        let mut whole = mime::MailReader::default();
        whole.feed(data, data.len() as i64);
        let whole = whole.finish(blank, data.len() as i64);
        let strip = |m: &mime::Mail| {
            let files: Vec<_> = m
                .files
                .iter()
                .map(|f| (f.entity, f.seen, f.head.clone()))
                .collect();
            (
                files,
                m.entities,
                m.files_dropped,
                m.too_deep,
                m.weirds.len(),
            )
        };
        assert_eq!(strip(&pieces), strip(&whole));
    }
    // A gap after the first half: the mail ends there.
    let mut cut = mime::MailReader::default();
    let half = data.get(..data.len() / 2).unwrap_or_default();
    cut.feed(half, half.len() as i64);
    let cut = cut.cut(u64::from(piece as u8));
    check(&cut, data);
    assert!(cut.files.iter().map(|f| f.missing).sum::<u64>() <= 255);
    let (first, body) = data.split_at(data.iter().position(|&c| c == b'\n').unwrap_or(0));
    let mut head = b"Content-Type: multipart/form-data; boundary=".to_vec();
    head.extend_from_slice(first);
    let whole = mime::walk_body(&[&head], body, body.len() as i64);
    check(&whole, body);
    // The same body as the stream reader reads it, in pieces.
    let pieces = in_pieces(mime::MailReader::http_body(&[&head]), body, piece);
    let pieces = pieces.finish(false, body.len() as i64);
    check(&pieces, body);
    let seen = |m: &mime::Mail| {
        m.files
            .iter()
            .map(|f| (f.seen, f.head.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(seen(&pieces), seen(&whole));
    let name = mime::filename(data);
    assert!(name.len() <= data.len());
});
