use super::*;

/// The files of `m`, read a line at a time, each line marked with the
/// offset of its end; `blank_line`: an empty line was left out of `m`.
fn walk(m: &[u8], blank_line: bool) -> Mail {
    let mut r = MailReader::default();
    let mut at = 0;
    for line in m.split_inclusive(|&c| c == b'\n') {
        at += line.len();
        r.feed(line, at as i64);
    }
    r.finish(blank_line, m.len() as i64)
}

/// A mail whose `.` line came after a line with content.
fn files_of(m: &[u8]) -> Mail {
    walk(m, false)
}

/// Lines joined with CR LF, as a mail is sent.
fn mail(lines: &[&str]) -> Vec<u8> {
    let mut m = lines.join("\r\n").into_bytes();
    m.extend_from_slice(b"\r\n");
    m
}

#[test]
fn parts_of_nested_multiparts_are_files_at_their_entity_s_depth() {
    let m = mail(&[
        "From: a@example.com",
        "Content-Type: multipart/mixed; boundary=\"outer\"",
        "",
        "This is a multi-part message in MIME format.",
        "--outer",
        "Content-Type: multipart/alternative;",
        "\tboundary=\"inner\"",
        "",
        "--inner",
        "Content-Type: text/plain; charset=us-ascii",
        "",
        "Hello",
        "..world",
        "--inner",
        "Content-Type: text/html",
        "Content-Transfer-Encoding: quoted-printable",
        "",
        "<p>caf=C3=A9 =",
        "bar</p>",
        "--inner--",
        "",
        "--outer",
        "Content-Type: text/plain;",
        "\tname=\"NEWS.txt\"",
        "Content-Transfer-Encoding: base64",
        "Content-Disposition: attachment;",
        "\tfilename=\"NEWS.txt\"",
        "",
        "aGVsbG8g",
        "d29ybGQ=",
        "--outer--",
        "epilogue, not a file",
    ]);
    let w = files_of(&m);
    assert_eq!(w.entities, 5);
    let got: Vec<(u64, u64, Option<&[u8]>)> = w
        .files
        .iter()
        .map(|f| (f.entity, f.seen, f.filename.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![
            // "Hello" CR LF ".world": the CR LF before a boundary is the
            // boundary's, and one leading dot is taken off.
            (3, 13, None),
            // QP: "<p>café " joined to "bar</p>" by the soft break, then
            // CR LF.
            (4, 18, None),
            (5, 11, Some(&b"NEWS.txt"[..])),
        ]
    );
    assert_eq!(w.files[0].head, b"Hello\r\n.world");
    assert_eq!(w.files[1].head, "<p>café bar</p>\r\n".as_bytes());
    assert_eq!(w.files[2].head, b"hello world");
    // The attachment's content came on two lines.
    let line_end = |s: &str| {
        let at = m.windows(s.len()).position(|x| x == s.as_bytes()).unwrap();
        (at + s.len() + 2) as i64
    };
    assert_eq!(w.files[2].first_at, line_end("aGVsbG8g"));
    assert_eq!(w.files[2].last_at, line_end("d29ybGQ="));
    assert_eq!(w.files[0].first_at, line_end("Hello"));
}

#[test]
fn a_mail_without_mime_headers_is_one_text_file() {
    let w = files_of(&mail(&["Subject: hi", "", "line one", "", "line three"]));
    assert_eq!(w.entities, 1);
    assert_eq!(w.files.len(), 1);
    // Every line with its CR LF: 10 + 2 + 12.
    assert_eq!(w.files[0].seen, 24);
    assert_eq!(w.files[0].entity, 1);
}

/// zeek smtp.pcap's second mail ends with an empty line, then `.`: Zeek's
/// baseline counts 204 bytes, the empty line's CR LF with them.
#[test]
fn an_empty_last_line_left_out_of_the_mail_still_counts() {
    let m = mail(&["Subject: x", "", "", "> a", "> "]);
    assert_eq!(files_of(&m).files[0].seen, 2 + 5 + 4);
    assert_eq!(walk(&m, true).files[0].seen, 2 + 5 + 4 + 2);
}

#[test]
fn empty_parts_and_containers_count_but_are_no_files() {
    let w = files_of(&mail(&[
        "Content-Type: multipart/mixed; boundary=b",
        "",
        "--b",
        "Content-Type: text/plain",
        "",
        "--b",
        "",
        "x",
        "--b--",
    ]));
    assert_eq!(w.entities, 3);
    assert_eq!(w.files.len(), 1);
    assert_eq!((w.files[0].entity, w.files[0].seen), (3, 1));
}

#[test]
fn base64_skips_stray_bytes_and_pads_a_last_incomplete_group() {
    let w = files_of(&mail(&[
        "Content-Transfer-Encoding: base64",
        "",
        "aGVs*bG8h",
        "IQ",
    ]));
    // "hel", "lo!", and "IQ" padded: "!".
    assert_eq!(w.files[0].head, b"hello!!");
    // One sextet left: three `=` make no byte (Zeek writes 3 less the
    // padding); two left make one.
    let w = files_of(&mail(&["Content-Transfer-Encoding: base64", "", "YWJjZ"]));
    assert_eq!(w.files[0].head, b"abc");
    let w = files_of(&mail(&["Content-Transfer-Encoding: base64", "", "YWJjZA"]));
    assert_eq!(w.files[0].head, b"abcd");
    // Groups after one with padding are ignored.
    let w = files_of(&mail(&[
        "Content-Transfer-Encoding: base64",
        "",
        "YQ==YWJj",
    ]));
    assert_eq!(w.files[0].head, b"a");
}

/// Zeek's decoder tells its first stray byte or group after padding, and
/// an incomplete last group, as `base64_illegal_encoding`.
#[test]
fn base64_weirds_as_zeek_tells_them() {
    let m = mail(&[
        "Content-Type: multipart/mixed; boundary=b",
        "",
        "--b",
        "Content-Transfer-Encoding: base64",
        "",
        "aGVs*bG8h\u{e9}",
        "YQ==YWJj",
        "IQ",
        "--b",
        "Content-Transfer-Encoding: base64",
        "",
        "YQ==YWJj",
        "--b--",
    ]);
    let w = files_of(&m);
    let line_end = |s: &str| {
        (m.windows(s.len()).position(|x| x == s.as_bytes()).unwrap() + s.len() + 2) as i64
    };
    let texts: Vec<(i64, &str)> = w.weirds.iter().map(|(at, t)| (*at, t.as_str())).collect();
    assert_eq!(
        texts,
        vec![
            // The first part: only its first stray byte; the group after
            // padding is not told again; its last group at the boundary.
            (
                line_end("aGVs*bG8h\u{e9}"),
                "character 42 ignored by Base64 decoding"
            ),
            (
                line_end("IQ\r\n--b"),
                "incomplete base64 group, padding with 12 bits of 0"
            ),
            (
                line_end("YQ==YWJj\r\n--b--") - 7,
                "extra base64 groups after '=' padding are ignored"
            ),
        ]
    );
    // A byte past 0x7f is printed as a signed char.
    let w = files_of(&mail(&["Content-Transfer-Encoding: base64", "", "\u{e9}"]));
    assert_eq!(w.weirds[0].1, "character -61 ignored by Base64 decoding");
}

#[test]
fn quoted_printable_keeps_a_bad_escape_and_drops_trailing_blanks() {
    let w = files_of(&mail(&[
        "Content-Transfer-Encoding: Quoted-Printable",
        "",
        "a=zz b  ",
        "=41=",
    ]));
    assert_eq!(w.files[0].head, b"a=zz b\r\nA");
}

#[test]
fn message_parts_hold_a_mail_of_their_own() {
    let w = files_of(&mail(&[
        "Content-Type: multipart/mixed; boundary=b",
        "",
        "--b",
        "Content-Type: message/rfc822",
        "",
        "Subject: inner",
        "",
        "inner body",
        "--b--",
    ]));
    // The top, the part, the forwarded mail.
    assert_eq!(w.entities, 3);
    assert_eq!(w.files.len(), 1);
    // A message's body is not a multipart's part: its last CR LF counts.
    assert_eq!((w.files[0].entity, w.files[0].seen), (3, 12));
}

#[test]
fn a_multipart_without_a_boundary_is_content() {
    let w = files_of(&mail(&["Content-Type: multipart/mixed", "", "--x", "y"]));
    assert_eq!(w.entities, 1);
    assert_eq!(w.files[0].seen, 8);
}

#[test]
fn nesting_and_files_are_bounded() {
    let mut lines = Vec::new();
    for _ in 0..MAX_NESTING + 50 {
        lines.push("Content-Type: message/rfc822");
        lines.push("");
    }
    lines.push("deep");
    let w = files_of(&mail(&lines));
    assert!(w.too_deep > 0);
    assert!(w.files.is_empty());

    let mut lines = vec!["Content-Type: multipart/mixed; boundary=b", ""];
    for _ in 0..MAX_FILES + 5 {
        lines.extend(["--b", "", "x"]);
    }
    let w = files_of(&mail(&lines));
    assert_eq!(w.files.len(), MAX_FILES);
    assert_eq!(w.files_dropped, 5);
    assert_eq!(w.entities, MAX_FILES as u64 + 6);
}

#[test]
fn file_names_as_zeek_extracts_them() {
    assert_eq!(filename(b"attachment; filename=\"NEWS.txt\""), b"NEWS.txt");
    // RFC 2231: the charset and language go, escapes are decoded.
    assert_eq!(
        filename(b"attachment; filename*=UTF-8'en'r%C3%A9sum%C3%A9.pdf"),
        "résumé.pdf".as_bytes()
    );
    assert_eq!(filename(b"attachment; filename*=utf-8''a%20b"), b"a b");
    // Unquoted: the rest of the value, as Zeek's `sub` leaves it.
    assert_eq!(
        filename(b"attachment; filename=a.txt; size=3"),
        b"a.txt; size=3"
    );
    // The last name wins (Zeek's greedy `.*`).
    assert_eq!(filename(b"text/plain; name=\"x\"; filename=\"y\""), b"y");
    // No closing quote: the rest.
    assert_eq!(filename(b"attachment; filename=\"open"), b"open");
    assert!(has_param(b"attachment; FileName *= x", b"filename", true));
    assert!(!has_param(b"text/plain; name *= x", b"name", false));
}

#[test]
fn hostile_mails_do_not_panic() {
    for m in [
        &b""[..],
        b"\n\n\n",
        b"Content-Type: multipart/x; boundary=\"\"\r\n\r\n--\r\n--\r\n----\r\n",
        b"Content-Type: /\r\nContent-Transfer-Encoding: base64\r\n\r\n====\r\n=",
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\n=\r\n=4\r\n=\xff\xff",
        b"Content-Type: message/x\r\n\r\nContent-Type: message/x\r\n\r\n",
        b":\r\n \r\n\t\r\n.\r\n..\r\n",
    ] {
        let w = walk(m, true);
        assert!(w
            .files
            .iter()
            .all(|f| f.first_at <= f.last_at && f.last_at <= m.len() as i64));
    }
}

/// A mail fed in pieces of any length, as its segments come, reads as
/// it does a line at a time; each line is marked with the end of the
/// piece its end came in.
#[test]
fn a_mail_read_in_pieces_is_read_as_whole() {
    let m = mail(&[
        "Content-Type: multipart/mixed; boundary=b",
        "",
        "--b",
        "Content-Transfer-Encoding: base64",
        "Content-Disposition: attachment; filename=\"a.bin\"",
        "",
        "aGVsbG8g",
        "d29ybGQ=",
        "--b",
        "Content-Transfer-Encoding: quoted-printable",
        "",
        "caf=C3=A9 =",
        "bar",
        "..dotted",
        "--b--",
    ]);
    let lines = walk(&m, true);
    for len in [1, 2, 3, 7, 10, 64, m.len()] {
        let mut r = MailReader::default();
        for (i, piece) in m.chunks(len).enumerate() {
            r.feed(piece, ((i + 1) * len).min(m.len()) as i64);
            assert!(r.held.len() < MAX_LINE);
        }
        let pieces = r.finish(true, m.len() as i64);
        assert_eq!(pieces.entities, lines.entities);
        assert_eq!(pieces.files.len(), lines.files.len());
        for (p, l) in pieces.files.iter().zip(&lines.files) {
            let piece_end = |at: i64| (at as usize).div_ceil(len) * len;
            assert_eq!(
                (p.entity, p.seen, &p.head, &p.filename),
                (l.entity, l.seen, &l.head, &l.filename)
            );
            assert_eq!(p.first_at as usize, piece_end(l.first_at).min(m.len()));
            assert_eq!(p.last_at as usize, piece_end(l.last_at).min(m.len()));
        }
    }
    assert_eq!(lines.files[0].head, b"hello world");
    assert_eq!(lines.files[1].head, "café bar\r\n.dotted\r\n".as_bytes());
}

/// A line longer than is held is read in pieces of that length, each as
/// a line of its own, and the cuts are counted; memory stays bounded.
#[test]
fn a_line_longer_than_is_held_is_read_in_pieces() {
    let long = "x".repeat(3 * MAX_LINE + 100);
    let m = mail(&["Subject: x", "", &long, "end"]);
    let mut r = MailReader::default();
    for piece in m.chunks(1460) {
        r.feed(piece, 0);
        assert!(r.held.len() < MAX_LINE);
    }
    let w = r.finish(false, 0);
    assert_eq!(w.long_lines, 3);
    // Each piece, the rest of the long line and "end", with a CR LF each.
    assert_eq!(w.files[0].seen, (long.len() + 4 * 2 + 3 + 2) as u64);
}

/// The files of an HTTP body with these MIME headers.
fn body_files(content_type: &str, body: &[u8]) -> Mail {
    let head = format!("Content-Type: {content_type}");
    walk_body(&[head.as_bytes()], body, 0)
}

/// ndpi http-crash-content-disposition.pcap, frame 5: an Android client's
/// form with one text field.
#[test]
fn an_http_form_field_is_a_file() {
    let body = b"--5v7Lhbna2rewHrj0e_F8wr0WAVTpY93ET9iQHDy\r\n\
Content-Disposition: form-data; name=\"isandroid\"\r\n\
Content-Type: text/plain; charset=US-ASCII\r\n\
Content-Transfer-Encoding: 8bit\r\n\
\r\n\
1\r\n\
--5v7Lhbna2rewHrj0e_F8wr0WAVTpY93ET9iQHDy--\r\n";
    let m = body_files(
        "multipart/form-data; boundary=5v7Lhbna2rewHrj0e_F8wr0WAVTpY93ET9iQHDy",
        body,
    );
    assert_eq!(m.entities, 2);
    assert_eq!(m.files.len(), 1);
    let f = &m.files[0];
    assert_eq!(
        (f.seen, f.head.as_slice(), f.filename.as_deref()),
        (1, &b"1"[..], None)
    );
}

/// Zeek's HTTP analyzer ends a line at CR LF, a lone CR or a lone LF, and
/// its MIME entity puts CR LF between a part's lines: a file upload's lone
/// CRs and LFs each become CR LF; the CR LF before a boundary is not the
/// part's.
#[test]
fn an_uploaded_file_s_lone_cr_and_lf_become_cr_lf() {
    let body = b"preamble\r\n--xyz\r\n\
Content-Disposition: form-data; name=\"note\"\r\n\r\n\
hi\r\n\
--xyz\r\n\
Content-Disposition: form-data; name=\"f\"; filename=\"a.bin\"\r\n\
Content-Type: application/octet-stream\r\n\r\n\
a\rb\nc\r\nd\r\r\ne\r\n\
--xyz--\r\nepilogue";
    let m = body_files("multipart/form-data; boundary=xyz", body);
    let got: Vec<_> = m
        .files
        .iter()
        .map(|f| (f.filename.clone(), f.head.clone()))
        .collect();
    assert_eq!(
        got,
        [
            (None, b"hi".to_vec()),
            (
                Some(b"a.bin".to_vec()),
                b"a\r\nb\r\nc\r\nd\r\n\r\ne".to_vec()
            ),
        ]
    );
    assert_eq!(m.files[1].seen, 15);
}

/// RFC 2388's several files of one field: a multipart/mixed in a part.
#[test]
fn a_mixed_multipart_in_a_form_holds_a_file_a_part() {
    let body = b"--AaB03x\r\n\
Content-Disposition: form-data; name=\"files\"\r\n\
Content-Type: multipart/mixed; boundary=BbC04y\r\n\r\n\
--BbC04y\r\n\
Content-Disposition: file; filename=\"file1.txt\"\r\n\
Content-Type: text/plain\r\n\r\n\
... contents of file1.txt ...\r\n\
--BbC04y\r\n\
Content-Disposition: file; filename=\"file2.gif\"\r\n\
Content-Type: image/gif\r\n\
Content-Transfer-Encoding: base64\r\n\r\n\
R0lGODlh\r\n\
--BbC04y--\r\n\
--AaB03x--\r\n";
    let m = body_files("multipart/form-data; boundary=AaB03x", body);
    // The body, the field, and its two files.
    assert_eq!(m.entities, 4);
    let got: Vec<_> = m
        .files
        .iter()
        .map(|f| (f.entity, f.filename.clone(), f.head.clone()))
        .collect();
    assert_eq!(
        got,
        [
            (
                3,
                Some(b"file1.txt".to_vec()),
                b"... contents of file1.txt ...".to_vec()
            ),
            (4, Some(b"file2.gif".to_vec()), b"GIF89a".to_vec()),
        ]
    );
}

#[test]
fn a_multipart_body_without_a_boundary_is_one_file() {
    let m = body_files("multipart/form-data", b"a=1\r\nb=2");
    assert_eq!(m.files.len(), 1);
    assert_eq!(m.files[0].head, b"a=1\r\nb=2\r\n");
}
