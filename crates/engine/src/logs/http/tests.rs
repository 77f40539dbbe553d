use super::*;
use crate::logs::apps::testing::{conn, frame, Rows, SEC};
use crate::logs::apps::ConnRef;

/// ndpi http_starting_with_reply.pcapng, frames 5 and 13 (a GET and a
/// 404 with an HTML body).
const GET: &str = "GET /icons/ubuntu-logo.png HTTP/1.1\r\n\
Host: proxy.wiresharkfest.acropolis.local\r\n\
User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:91.0) Gecko/20100101 Firefox/91.0\r\n\
Accept: image/webp,*/*\r\n\
Accept-Language: en-US,en;q=0.5\r\n\
Accept-Encoding: gzip, deflate\r\n\
DNT: 1\r\n\
Connection: keep-alive\r\n\
Referer: http://proxy.wiresharkfest.acropolis.local/\r\n\r\n";

const NOT_FOUND: &str = "HTTP/1.1 404 Not Found\r\n\
Date: Sat, 11 Sep 2021 16:36:50 GMT\r\n\
Server: Apache/2.4.41 (Ubuntu)\r\n\
Content-Length: 52\r\n\
Content-Type: text/html; charset=iso-8859-1\r\n\r\n\
<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\r\n";

fn tcp() -> ConnRef {
    conn(true, 7, ("192.168.1.103", 1044), ("192.168.1.146", 80))
}

fn msg(text: &str) -> Msg {
    Msg::read(&HttpView::new(text.as_bytes()).expect("HTTP"), true, 0)
}

fn feed(t: &mut Tracker, rows: &mut Rows, c: &ConnRef, ts: i64, text: &str) {
    let m = msg(text);
    let f = frame(c, ts, m.request);
    t.message(&f, m, rows).expect("sink");
}

#[test]
fn request_and_response_make_one_record() {
    let (mut t, mut rows, c) = (Tracker::default(), Rows::default(), tcp());
    feed(&mut t, &mut rows, &c, 10 * SEC, GET);
    assert_eq!(rows.count("http"), 0);
    feed(&mut t, &mut rows, &c, 11 * SEC, NOT_FOUND);
    assert_eq!(rows.count("http"), 1);
    let g = |k: &str| rows.get("http", 0, k);
    rows.check(
        "http",
        0,
        &[
            ("ts", "10.000000"),
            ("uid", "Ctest7"),
            ("id.orig_p", "1044"),
            ("trans_depth", "1"),
            ("method", "GET"),
            ("host", "proxy.wiresharkfest.acropolis.local"),
            ("uri", "/icons/ubuntu-logo.png"),
            ("referrer", "http://proxy.wiresharkfest.acropolis.local/"),
            ("version", "1.1"),
        ],
    );
    assert!(g("user_agent").starts_with("Mozilla/5.0 (Windows NT 10.0;"));
    rows.check(
        "http",
        0,
        &[
            ("origin", "-"),
            ("request_body_len", "0"),
            ("response_body_len", "52"),
            ("status_code", "404"),
            ("status_msg", "Not Found"),
            ("info_code", "-"),
            ("tags", "(empty)"),
            ("username", "-"),
            ("password", "-"),
            ("proxied", "-"),
            ("orig_fuids", "-"),
        ],
    );
    assert!(g("resp_fuids").starts_with('F'));
    assert_eq!(g("resp_mime_types"), "text/html");
}

#[test]
fn pipelined_requests_are_answered_in_order() {
    let (mut t, mut rows, c) = (Tracker::default(), Rows::default(), tcp());
    feed(
        &mut t,
        &mut rows,
        &c,
        SEC,
        "GET /a HTTP/1.1\r\nHost: x\r\n\r\n",
    );
    feed(
        &mut t,
        &mut rows,
        &c,
        2 * SEC,
        "GET /b HTTP/1.1\r\nHost: x\r\n\r\n",
    );
    feed(
        &mut t,
        &mut rows,
        &c,
        3 * SEC,
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na",
    );
    feed(
        &mut t,
        &mut rows,
        &c,
        4 * SEC,
        "HTTP/1.1 302 Found\r\nContent-Length: 0\r\n\r\n",
    );
    assert_eq!(rows.count("http"), 2);
    rows.check(
        "http",
        0,
        &[("uri", "/a"), ("status_code", "200"), ("trans_depth", "1")],
    );
    rows.check(
        "http",
        1,
        &[
            ("uri", "/b"),
            ("status_code", "302"),
            ("trans_depth", "2"),
            ("ts", "2.000000"),
        ],
    );
}

#[test]
fn informational_reply_waits_for_the_final_one() {
    let (mut t, mut rows, c) = (Tracker::default(), Rows::default(), tcp());
    feed(
        &mut t,
        &mut rows,
        &c,
        SEC,
        "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc",
    );
    feed(
        &mut t,
        &mut rows,
        &c,
        2 * SEC,
        "HTTP/1.1 100 Continue\r\n\r\n",
    );
    assert_eq!(rows.count("http"), 0);
    feed(
        &mut t,
        &mut rows,
        &c,
        3 * SEC,
        "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n",
    );
    assert_eq!(rows.count("http"), 1);
    let g = |k: &str| rows.get("http", 0, k);
    rows.check(
        "http",
        0,
        &[
            ("method", "POST"),
            ("request_body_len", "3"),
            ("status_code", "201"),
            ("info_code", "100"),
            ("info_msg", "Continue"),
        ],
    );
    assert!(g("orig_fuids").starts_with('F'));
    assert_eq!(g("orig_mime_types"), "-");
}

#[test]
fn unanswered_request_is_written_when_the_connection_ends() {
    let (mut t, mut rows, c) = (Tracker::default(), Rows::default(), tcp());
    feed(&mut t, &mut rows, &c, SEC, GET);
    t.conn_ended(c.id, &mut rows).expect("sink");
    assert_eq!(rows.count("http"), 1);
    rows.check(
        "http",
        0,
        &[
            ("status_code", "-"),
            ("version", "-"),
            ("response_body_len", "0"),
        ],
    );
}

#[test]
fn response_without_request() {
    let (mut t, mut rows, c) = (Tracker::default(), Rows::default(), tcp());
    feed(&mut t, &mut rows, &c, SEC, NOT_FOUND);
    assert_eq!(rows.count("http"), 1);
    assert_eq!(rows.get("http", 0, "method"), "-");
    assert_eq!(rows.get("http", 0, "trans_depth"), "1");
    // A request after it opens the next transaction.
    feed(&mut t, &mut rows, &c, 2 * SEC, GET);
    t.finish(&mut rows).expect("sink");
    assert_eq!(rows.get("http", 1, "trans_depth"), "2");
}

#[test]
fn too_many_pending_requests_are_written_out() {
    let (mut t, mut rows, c) = (Tracker::default(), Rows::default(), tcp());
    for i in 0..102 {
        feed(&mut t, &mut rows, &c, SEC + i, "GET / HTTP/1.1\r\n\r\n");
    }
    // With 101 waiting, the 102nd request writes out all but the newest
    // (Zeek's loop stops short of the current request).
    assert_eq!(rows.count("http"), 100);
    assert_eq!(t.stats.flushed, 100);
    t.finish(&mut rows).expect("sink");
    assert_eq!(rows.count("http"), 102);
}

#[test]
fn headers_as_zeek_reads_them() {
    let m = msg(
        "GET /x%41%2fy HTTP/1.1\r\nhost: a\r\nHOST: b\r\nOrigin: o\r\n\
X-Forwarded-For: 10.0.0.1\r\nVia: 1.1 proxy\r\nAuthorization: Basic dXNlcjpwYXNz\r\n\
Content-Disposition: attachment; filename=\"r.pdf\"\r\n\r\n",
    );
    assert_eq!(m.uri, b"/xA/y");
    assert_eq!(m.host.as_deref(), Some(&b"b"[..]), "the last Host");
    assert_eq!(m.origin.as_deref(), Some(&b"o"[..]));
    assert_eq!(
        m.proxied,
        [&b"X-FORWARDED-FOR -> 10.0.0.1"[..], b"VIA -> 1.1 proxy"]
    );
    assert_eq!(m.username.as_deref(), Some(&b"user"[..]));
    assert_eq!(m.filename.as_deref(), Some(&b"r.pdf"[..]));
    assert_eq!(
        basic_user(b"Basic bm9jb2xvbg=="),
        Some(b"<problem-decoding> (Basic bm9jb2xvbg==)".to_vec())
    );
    assert_eq!(basic_user(b"Bearer abc"), None);
}

#[test]
fn uri_unescaping_as_zeek() {
    let u = |s: &str| String::from_utf8_lossy(&unescape_uri(s.as_bytes())).into_owned();
    assert_eq!(u("/a%20b"), "/a b");
    assert_eq!(u("%%41"), "A");
    assert_eq!(u("%u0041%u4142"), "AAB");
    assert_eq!(u("%zz"), "%zz");
    assert_eq!(u("a%"), "a%");
    assert_eq!(u("a%4"), "a%4");
}

#[test]
fn chunked_body_length_without_framing() {
    let m = msg("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\
5\r\n<html\r\n3\r\n>x<\r\n0\r\n\r\n");
    assert_eq!(m.body_len, 8);
    assert_eq!(magic::mime_type(&m.body_head), Some("text/html"));
}

/// As Zeek: a gzip or deflate body is counted and sniffed decoded, held
/// whole or counted past its head by the stream reader (which then gives
/// the decoded length); another coding is counted as sent, not sniffed.
#[test]
fn gzip_and_deflate_bodies_are_counted_and_sniffed_decoded() {
    use std::io::Write;
    let rows: String = (0..3000)
        .map(|i| format!("<p>{}</p>\n", i * 7919 % 10007))
        .collect();
    let page = format!("<html><body>{rows}</body></html>\n");
    let coded = |gzip: bool| {
        let mut out = Vec::new();
        if gzip {
            let mut e = flate2::write::GzEncoder::new(&mut out, flate2::Compression::default());
            e.write_all(page.as_bytes()).unwrap();
            e.finish().unwrap();
        } else {
            let mut e = flate2::write::ZlibEncoder::new(&mut out, flate2::Compression::default());
            e.write_all(page.as_bytes()).unwrap();
            e.finish().unwrap();
        }
        out
    };
    let message = |head: &str, body: &[u8]| {
        let mut b = head.as_bytes().to_vec();
        b.extend_from_slice(body);
        b
    };
    let gz = coded(true);
    let whole = message(
        &format!(
            "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
            gz.len()
        ),
        &gz,
    );
    let m = Msg::read(&HttpView::new(&whole).unwrap(), true, 0);
    assert_eq!(m.body_len, page.len() as u64);
    assert_eq!(magic::mime_type(&m.body_head), Some("text/html"));

    // Deflate (a zlib stream) in two chunks.
    let z = coded(false);
    let (a, b) = z.split_at(z.len() / 2);
    let mut chunked =
        b"HTTP/1.1 200 OK\r\nContent-Encoding: Deflate\r\nTransfer-Encoding: chunked\r\n\r\n"
            .to_vec();
    for c in [a, b] {
        chunked.extend_from_slice(format!("{:x}\r\n", c.len()).as_bytes());
        chunked.extend_from_slice(c);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let m = Msg::read(&HttpView::new(&chunked).unwrap(), true, 0);
    assert_eq!(m.body_len, page.len() as u64);

    // Counted past its first 100 bytes: the reader's decoded length
    // counts, the head is sniffed decoded; without one, the coded length.
    let cut = whole.len() - gz.len() + 100;
    let head = HttpView::new(&whole[..cut])
        .unwrap()
        .with_elided(gz.len() as u64 - 100);
    let m = Msg::read(&head.with_decoded(Some(page.len() as u64)), true, 0);
    assert_eq!(m.body_len, page.len() as u64);
    assert_eq!(magic::mime_type(&m.body_head), Some("text/html"));
    let m = Msg::read(&head, true, 0);
    assert_eq!(m.body_len, gz.len() as u64);

    // Brotli is not undone: counted as sent, not sniffed.
    let br = message(
        "HTTP/1.1 200 OK\r\nContent-Encoding: br\r\nContent-Length: 6\r\n\r\n",
        b"<html>",
    );
    let m = Msg::read(&HttpView::new(&br).unwrap(), true, 0);
    assert_eq!((m.body_len, m.body_head.len()), (6, 0));
}

/// Whether a request may hand its connection to another protocol decides
/// whether `logs` without http.log may stop reading the connection; it is
/// known without the texts (`build` false).
#[test]
fn requests_that_may_switch_protocols() {
    let read =
        |text: &str| Msg::read(&HttpView::new(text.as_bytes()).expect("HTTP"), false, 0).may_switch;
    assert!(read(
        "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"
    ));
    assert!(read(
        "GET /chat HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nupgrade: websocket\r\n\r\n"
    ));
    assert!(!read(
        "GET / HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n"
    ));
    // A response says nothing of it: its request did.
    assert!(!read(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
    ));
}

/// Each body is a files.log record under the fuid http.log lists: written
/// when the message ends, `ts` when its first chunk was whole, the sender
/// and the length from the headers (zeek m57-long-49583-80.pcap's first
/// 206 response: a multipart/byteranges body, the whole file's length in
/// its first part's Content-Range).
#[test]
fn bodies_are_files() {
    let (mut t, mut rows, c) = (Tracker::default(), Rows::default(), tcp());
    feed(&mut t, &mut rows, &c, SEC, GET);
    assert_eq!(
        rows.count("files"),
        0,
        "a request without a body has no file"
    );
    let mut m = msg(NOT_FOUND);
    m.chunk_at = Some(SEC + SEC / 4);
    t.message(&frame(&c, 2 * SEC, false), m, &mut rows)
        .expect("sink");
    assert_eq!(
        rows.get("http", 0, "resp_fuids"),
        rows.get("files", 0, "fuid")
    );
    rows.check(
        "files",
        0,
        &[
            ("ts", "1.250000"),
            ("uid", &rows.get("http", 0, "uid")),
            ("source", "HTTP"),
            ("depth", "0"),
            ("analyzers", "(empty)"),
            ("mime_type", "text/html"),
            ("duration", "0.750000"),
            ("local_orig", "T"),
            ("is_orig", "F"),
            ("seen_bytes", "52"),
            ("total_bytes", "52"),
            ("missing_bytes", "0"),
            ("timedout", "F"),
            ("md5", "-"),
        ],
    );
    let body = "\r\n--EdgePrism\r\nContent-Type: application/octet-stream\r\n\
Content-Range: bytes 32955-32958/649077\r\n\r\nPA30\r\n--EdgePrism--\r\n";
    let parts = format!(
        "HTTP/1.1 206 Partial Content\r\n\
Content-Type: multipart/byteranges; boundary=EdgePrism\r\n\
Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    feed(&mut t, &mut rows, &c, 3 * SEC, "GET /a HTTP/1.1\r\n\r\n");
    feed(&mut t, &mut rows, &c, 4 * SEC, &parts);
    rows.check(
        "files",
        1,
        &[
            ("total_bytes", "649077"),
            ("mime_type", "-"),
            ("duration", "0.000000"),
        ],
    );
}

#[test]
fn content_range_values() {
    assert_eq!(
        content_range(b"bytes 0-1023/146515"),
        Some((0, Some(146515)))
    );
    assert_eq!(content_range(b" bytes 500-999/* "), Some((500, None)));
    assert_eq!(content_range(b"bytes 1-2"), None);
    assert_eq!(content_range(b"items 0-1/5"), None);
    assert_eq!(content_range(b"bytes x-1/5"), None);
}

/// A POST of a form with `parts` parts: field `f<i>`, file `n<i>.txt`
/// holding `<i>` (the last holding nothing).
fn form_post(parts: usize) -> String {
    let mut body = String::new();
    for i in 0..parts {
        body.push_str(&format!(
            "--B\r\nContent-Disposition: form-data; name=\"f{i}\"; filename=\"n{i}.txt\"\r\n\r\n"
        ));
        if i + 1 < parts {
            body.push_str(&format!("{i}\r\n"));
        } else {
            body.push_str("\r\n");
        }
    }
    body.push_str("--B--\r\n");
    format!(
        "POST /up HTTP/1.1\r\nHost: h\r\nContent-Type: multipart/form-data; boundary=B\r\n\
Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

const OK_EMPTY: &str = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";

#[test]
fn each_part_of_a_multipart_body_with_content_is_a_file() {
    let (mut t, mut rows, c) = (Tracker::default(), Rows::default(), tcp());
    let post = form_post(3);
    feed(&mut t, &mut rows, &c, 10 * SEC, &post);
    feed(&mut t, &mut rows, &c, 11 * SEC, OK_EMPTY);
    // The last part is empty: two files.
    assert_eq!(rows.count("files"), 2);
    let fuids: Vec<String> = (0..2).map(|i| rows.get("files", i, "fuid")).collect();
    assert_ne!(fuids[0], fuids[1]);
    rows.check(
        "http",
        0,
        &[
            (
                "request_body_len",
                &(post.len() - post.find("\r\n\r\n").unwrap() - 4).to_string(),
            ),
            ("orig_fuids", &fuids.join(",")),
            ("orig_filenames", "n0.txt,n1.txt"),
            ("resp_fuids", "-"),
        ],
    );
    for (i, name) in ["n0.txt", "n1.txt"].iter().enumerate() {
        rows.check(
            "files",
            i,
            &[
                ("source", "HTTP"),
                ("is_orig", "T"),
                ("filename", name),
                ("seen_bytes", "1"),
                ("total_bytes", "-"),
            ],
        );
    }
}

/// Zeek lists at most 15 files a direction in http.log
/// (`HTTP::max_files_orig`); files.log has every one.
#[test]
fn a_transaction_lists_at_most_15_files_a_direction() {
    let (mut t, mut rows, c) = (Tracker::default(), Rows::default(), tcp());
    feed(&mut t, &mut rows, &c, 10 * SEC, &form_post(21));
    feed(&mut t, &mut rows, &c, 11 * SEC, OK_EMPTY);
    assert_eq!(rows.count("files"), 20);
    let listed = rows.get("http", 0, "orig_fuids");
    assert_eq!(listed.split(',').count(), MAX_LISTED_FILES);
    assert_eq!(rows.get("http", 0, "orig_filenames").split(',').count(), 15);
    let all: Vec<String> = (0..20).map(|i| rows.get("files", i, "fuid")).collect();
    assert_eq!(listed, all[..15].join(","));
    let distinct: std::collections::BTreeSet<_> = all.iter().collect();
    assert_eq!(distinct.len(), 20);
}
