use super::*;
use crate::testing::{assert_ranges_within, fields_text, string_of, values};
use proptest::prelude::*;

/// scapy `http_content_length.pcap`, frame 4: the TCP payload of a GET.
const GET: &[u8] = b"GET / HTTP/1.1\r\n\
Accept: */*\r\n\
Accept-Language: en-us\r\n\
Accept-Encoding: gzip, deflate\r\n\
User-Agent: Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1; SV1; .NET CLR 1.1.4322; .NET CLR 2.0.50727; .NET CLR 3.0.4506.2152)\r\n\
Host: www.google.com\r\n\
Connection: Keep-Alive\r\n\
Cookie: PREF=ID=1c04fd0f4d55e50e:U=7044fe833ebcf6ff:TM=1278369790:LM=1278369793:S=fzsLIaqbDZHLMwH_; NID=36=eBrL-shp5eWYPuFnevNwMD6pb3hkwNxpftCf2MtYxnFK-xDpZaDCv_EdDDhUryGcbVI2OfvNda5G-xTe3LDi-z0z9FI_-vPhPEhh7LTBCPcezvIaP-yDe0Oo1Ple7VQw\r\n\
\r\n";

/// scapy `http_content_length.pcap`, frame 16: a 204 with Content-Length 0.
const NO_CONTENT: &[u8] = b"HTTP/1.1 204 No Content\r\n\
Content-Length: 0\r\n\
Date: Wed, 21 Jan 2004 19:51:30 GMT\r\n\
Pragma: no-cache\r\n\
Cache-Control: private, no-cache\r\n\
Expires: Wed, 17 Sep 1975 21:32:10 GMT\r\n\
Content-Type: text/html\r\n\
Server: Golfe\r\n\
\r\n";

/// nDPI `webex.pcap`, frame 832: a chunked JSON response in one segment.
const CHUNKED: &[u8] = b"HTTP/1.1 200 OK\r\n\
Server: nginx/1.6.3\r\n\
Date: Sun, 11 Oct 2015 13:38:25 GMT\r\n\
Content-Type: application/json; charset=utf8\r\n\
Transfer-Encoding: chunked\r\n\
Connection: keep-alive\r\n\
X-Powered-By: phpDaemon/1.0-beta3\r\n\
Access-Control-Allow-Origin: *\r\n\
Access-Control-Allow-Headers: Origin, X-Requested-With, Content-Type, Accept\r\n\
Access-Control-Allow-Methods: GET, POST, PUT, OPTIONS\r\n\
X-PW-Cluster-Node: api-27\r\n\
X-PW-Front-Node: front-06\r\n\
\r\n\
39\r\n\
{\"status_code\":200,\"status_message\":\"OK\",\"response\":null}\r\n\
0\r\n\
\r\n";

fn text(v: &HttpView, f: Field) -> String {
    values(FIELDS[f as usize].kind, |out| v.field(f, out)).join(",")
}

fn all(v: &HttpView) -> Vec<String> {
    fields_text(FIELDS, |i, out| v.field(Field::from_index(i).unwrap(), out))
}

/// Every field of every message, formatted, with ranges inside the bytes;
/// title and summary too. What the fuzz target does.
fn walk(b: &[u8]) {
    if let Ok(v) = HttpView::new(b) {
        assert_ranges_within(FIELDS, b.len(), |i, out| {
            v.field(Field::from_index(i).unwrap(), out)
        });
        let _ = all(&v);
        let _ = string_of(|s| v.title(s));
        let _ = string_of(|s| v.summary(s));
        let _ = v.problem();
        assert!(v.body().len() <= b.len());
        assert!(v.headers().count() <= limits::MAX_HEADERS);
    }
    let _ = pdu_len(b);
    let _ = looks_like(b);
}

#[test]
fn a_start_line_read_alone_is_the_views() {
    let switching = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n";
    let cases: [&[u8]; 7] = [
        GET,
        NO_CONTENT,
        switching,
        b"\r\nHEAD /x HTTP/1.1\r\nHost: a\r\n\r\n",
        b"NOTIFY * HTTP/1.1\r\n\r\n",
        b"HTTP/1.1 2x0 odd\r\n\r\n",
        b"CONNECT example.com:443 HTTP/1.1\r\n\r\n",
    ];
    for msg in cases {
        let v = HttpView::new(msg).expect("a message");
        let f = FirstLine::of(msg).expect("a start line");
        assert_eq!(
            (f.kind, f.text, f.method()),
            (v.kind(), v.start_line(), v.method())
        );
        assert_eq!(f.status(), v.status());
    }
    assert_eq!(FirstLine::of(switching).and_then(|f| f.status()), Some(101));
    assert_eq!(
        FirstLine::of(GET).and_then(|f| f.method()),
        Some(&b"GET"[..])
    );
    for not in [
        &b""[..],
        b"\r\n",
        b"get / HTTP/1.1\r\n",
        b"\x16\x03\x01\x00",
    ] {
        assert!(FirstLine::of(not).is_none(), "{not:?}");
        assert!(HttpView::new(not).is_err(), "{not:?}");
    }
}

#[test]
fn reads_a_real_request() {
    let v = HttpView::new(GET).unwrap();
    assert!(v.is_request());
    assert_eq!(v.method(), Some(&b"GET"[..]));
    assert_eq!(v.uri(), Some(&b"/"[..]));
    assert_eq!(v.version(), Some(&b"HTTP/1.1"[..]));
    assert_eq!(v.header(b"HOST"), Some(&b"www.google.com"[..]));
    assert_eq!(text(&v, Field::Request), "1");
    assert_eq!(text(&v, Field::Response), "");
    assert_eq!(text(&v, Field::RequestMethod), "GET");
    assert_eq!(text(&v, Field::Host), "www.google.com");
    assert_eq!(text(&v, Field::Accept), "*/*");
    assert_eq!(text(&v, Field::AcceptEncoding), "gzip, deflate");
    assert_eq!(
        text(&v, Field::UserAgent),
        "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1; SV1; .NET CLR 1.1.4322; .NET CLR 2.0.50727; .NET CLR 3.0.4506.2152)"
    );
    assert_eq!(text(&v, Field::CookiePair).split(',').count(), 2);
    assert_eq!(
        text(&v, Field::RequestLine).split("\\r\\n,").count(),
        7,
        "one http.request.line per header"
    );
    assert!(text(&v, Field::RequestLine).starts_with("Accept: */*\\r\\n,"));
    assert_eq!(text(&v, Field::FileData), "");
    assert_eq!(string_of(|s| v.summary(s)), "GET / HTTP/1.1 ");
    assert_eq!(string_of(|s| v.title(s)), "Hypertext Transfer Protocol");
    assert_eq!(v.problem(), None);
    assert_eq!(pdu_len(GET), Pdu::Whole(GET.len()));
    assert!(looks_like(GET));
    // The Host field covers its whole line, terminator included.
    let mut ranges = Vec::new();
    v.field(Field::Host, &mut |_v: Value, r: Range<usize>| {
        ranges.push(r)
    });
    let host_line = b"Host: www.google.com\r\n";
    let at = GET
        .windows(host_line.len())
        .position(|w| w == host_line)
        .unwrap();
    assert_eq!(ranges, vec![at..at + host_line.len()]);
}

#[test]
fn reads_a_real_204() {
    let v = HttpView::new(NO_CONTENT).unwrap();
    assert!(v.is_response());
    assert_eq!(v.status(), Some(204));
    assert_eq!(v.reason(), Some(&b"No Content"[..]));
    assert_eq!(text(&v, Field::ResponseCode), "204");
    assert_eq!(text(&v, Field::ResponseCodeDesc), "No Content");
    assert_eq!(text(&v, Field::ResponsePhrase), "No Content");
    assert_eq!(text(&v, Field::ResponseVersion), "HTTP/1.1");
    assert_eq!(text(&v, Field::ContentLengthHeader), "0");
    assert_eq!(text(&v, Field::ContentLength), "0");
    assert_eq!(text(&v, Field::ContentType), "text/html");
    assert_eq!(text(&v, Field::Server), "Golfe");
    assert_eq!(text(&v, Field::CacheControl), "private, no-cache");
    assert_eq!(text(&v, Field::ResponseLine).matches("\\r\\n").count(), 7);
    assert_eq!(string_of(|s| v.summary(s)), "HTTP/1.1 204 No Content ");
    assert_eq!(pdu_len(NO_CONTENT), Pdu::Whole(NO_CONTENT.len()));
}

#[test]
fn reads_a_real_chunked_response() {
    let v = HttpView::new(CHUNKED).unwrap();
    assert!(v.is_chunked());
    assert_eq!(text(&v, Field::ChunkSize), "57,0");
    assert_eq!(text(&v, Field::TransferEncoding), "chunked");
    assert_eq!(text(&v, Field::ChunkBoundary), "0d0a");
    let json = "{\"status_code\":200,\"status_message\":\"OK\",\"response\":null}";
    assert_eq!(text(&v, Field::FileData), json);
    assert_eq!(v.body().len(), 2 + 2 + json.len() + 2 + 5);
    assert_eq!(
        string_of(|s| v.summary(s)),
        "HTTP/1.1 200 OK  (application/json)"
    );
    assert_eq!(v.problem(), None);
    assert_eq!(pdu_len(CHUNKED), Pdu::Whole(CHUNKED.len()));
    let mut chunked_then_more = CHUNKED.to_vec();
    chunked_then_more.extend_from_slice(GET);
    assert_eq!(pdu_len(&chunked_then_more), Pdu::Whole(CHUNKED.len()));
}

#[test]
fn every_prefix_needs_more_and_resumes() {
    for msg in [GET, NO_CONTENT, CHUNKED] {
        let mut framer = Framer::new();
        for n in 0..msg.len() {
            let p = &msg[..n];
            match pdu_len(p) {
                Pdu::Need(k) => assert!(k > n, "prefix {n}: Need({k})"),
                other => panic!("prefix {n} of a message: {other:?}"),
            }
            assert_eq!(framer.feed(p), pdu_len(p), "resumed framing, prefix {n}");
            walk(p);
        }
        assert_eq!(framer.feed(msg), Pdu::Whole(msg.len()));
        assert_eq!(framer.feed(msg), Pdu::Whole(msg.len()));
    }
    // Bodies framed by length or by the close, fed in pieces (the fuzzer's
    // find: a resumed framer must not read the body as headers).
    for msg in [
        &b"HTTP/1.1 200 OK\r\n\r\nHi Andy!\r\n\r\nmore"[..],
        b"POST / HTTP/1.1\r\nContent-Length: 12\r\n\r\nab\r\n\r\ncd\r\n\r\nGET",
    ] {
        for step in 1..8 {
            let mut framer = Framer::new();
            let mut n = 0;
            while n < msg.len() {
                n = (n + step).min(msg.len());
                assert_eq!(
                    framer.feed(&msg[..n]),
                    pdu_len(&msg[..n]),
                    "step {step}, {n}"
                );
            }
        }
    }
}

#[test]
fn start_lines_that_are_not_http() {
    assert_eq!(pdu_len(b"\x16\x03\x01\x02\x00\x01"), Pdu::NotMine);
    assert_eq!(pdu_len(b"SSH-2.0-OpenSSH\r\n"), Pdu::NotMine);
    assert_eq!(pdu_len(b"GETX / HTTP/1.1\r\n\r\n"), Pdu::NotMine);
    assert_eq!(pdu_len(b"GE"), Pdu::Need(3));
    assert_eq!(pdu_len(b""), Pdu::Need(1));
    assert!(HttpView::new(b"").is_err());
    assert!(HttpView::new(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").is_err());
    assert!(!looks_like(b"PRI * HTTP/2.0\r\n"));
    assert!(looks_like(b"HTTP/1.0 200 OK\r\n"));
    assert!(looks_like(b"POST /very/long/uri/cut/by/a/segm"));
    assert!(looks_like(b"\r\nGET / HTTP/1.1\r\n"));
    assert!(looks_like(b"M-SEARCH * HTTP/1.1\r\n"));
    assert!(!looks_like(b"GET"));
    assert!(!looks_like(b"HTTP/2 200\r\n"));
    assert!(!looks_like(b"get / HTTP/1.1\r\n"));
    // Same methods, other protocols.
    assert!(!looks_like(
        b"OPTIONS sip:probe@edge.test SIP/2.0\r\nVia: x\r\n"
    ));
    assert!(!looks_like(b"OPTIONS rtsp://h/ RTSP/1.0\r\n"));
    // zeek http-methods.pcap frame 34: a bare method, LF line ends.
    assert!(looks_like(b"OPTIONS\nHost: www.google.com\n\n"));
    assert_eq!(
        pdu_len(b"OPTIONS\nHost: www.google.com\n\n"),
        Pdu::Whole(30)
    );
}

#[test]
fn tshark_leniencies() {
    // Bare LF line ends.
    let v = HttpView::new(b"GET /lf HTTP/1.1\nHost: lf\n\n").unwrap();
    assert_eq!(text(&v, Field::Host), "lf");
    assert_eq!(text(&v, Field::RequestLine), "Host: lf\\n");
    assert_eq!(pdu_len(b"GET /lf HTTP/1.1\nHost: lf\n\n"), Pdu::Whole(27));
    // A leading CRLF is skipped and noted.
    let m = b"\r\nGET /crlf HTTP/1.1\r\nHost: x\r\n\r\n";
    let v = HttpView::new(m).unwrap();
    assert_eq!(text(&v, Field::LeadingCrlf), "1");
    assert_eq!(text(&v, Field::RequestUri), "/crlf");
    assert_eq!(pdu_len(m), Pdu::Whole(m.len()));
    // Two spaces: an empty URI.
    let v = HttpView::new(b"GET  HTTP/1.1\r\nHost: a\r\n\r\n").unwrap();
    assert_eq!(
        values(Kind::Str, |o| v.field(Field::RequestUri, o)),
        vec![""]
    );
    assert_eq!(text(&v, Field::RequestVersion), "HTTP/1.1");
    // Bad names stay lines; a repeated header gives two values; trailing
    // blanks are kept; query parameters split at '&' only.
    let m = b"GET /a;b,c?x=1&y=2;z=3 HTTP/1.1\r\nHost:  a b \r\nhost: second\r\nX Bad: 1\r\nUser-Agent:\r\n\r\n";
    let v = HttpView::new(m).unwrap();
    assert_eq!(text(&v, Field::Host), "a b ,second");
    assert_eq!(text(&v, Field::BadHeaderName), "1");
    assert_eq!(
        text(&v, Field::RequestLine),
        "Host:  a b \\r\\n,host: second\\r\\n,X Bad: 1\\r\\n,User-Agent:\\r\\n"
    );
    assert_eq!(text(&v, Field::RequestUriPath), "/a;b,c");
    assert_eq!(text(&v, Field::RequestUriQuery), "x=1&y=2;z=3");
    assert_eq!(text(&v, Field::RequestUriQueryParameter), "x=1,y=2;z=3");
    assert_eq!(
        values(Kind::Str, |o| v.field(Field::UserAgent, o)),
        vec![""]
    );
    let parts = |uri: &str| {
        let m = format!("GET {uri} HTTP/1.1\r\n\r\n");
        let v = HttpView::new(m.as_bytes()).unwrap();
        [
            Field::RequestUriPath,
            Field::RequestUriQuery,
            Field::RequestUriQueryParameter,
        ]
        .map(|f| text(&v, f))
        .join("|")
    };
    assert_eq!(parts("/x"), "||");
    assert_eq!(parts("/x?"), "||");
    assert_eq!(parts("/x?a&&b&"), "/x|a&&b&|a,b");
    assert_eq!(parts("/x?a=1&=2&"), "/x|a=1&=2&|a=1,=2");
    assert_eq!(parts("?q"), "|q|q");
    assert_eq!(parts("/x??"), "/x|?|?");
    // A line without a colon ends the header block; the rest is body.
    let m = b"GET /plain HTTP/1.1\r\nHost: a\r\nno colon here\r\nAccept: */*\r\n\r\n";
    let v = HttpView::new(m).unwrap();
    assert_eq!(text(&v, Field::Accept), "");
    assert_eq!(
        text(&v, Field::FileData),
        "no colon here\\r\\nAccept: */*\\r\\n\\r\\n"
    );
    assert_eq!(pdu_len(m), Pdu::Whole(m.len()));
    // Notifications: unknown headers are http.unknown_header, no request.line.
    let v = HttpView::new(b"NOTIFY / HTTP/1.1\r\nHost: a\r\nX-Foo: b\r\n\r\n").unwrap();
    assert_eq!(text(&v, Field::Notification), "1");
    assert_eq!(text(&v, Field::Request), "");
    assert_eq!(text(&v, Field::RequestMethod), "NOTIFY");
    assert_eq!(text(&v, Field::RequestLine), "");
    assert_eq!(text(&v, Field::UnknownHeader), "X-Foo: b\\r\\n");
    // Content-Length: as the dissector reads it and as framing does.
    let m = b"POST /p HTTP/1.1\r\nContent-Length: +5\r\nContent-Type: Text/Plain; x\r\n\r\nhello";
    let v = HttpView::new(m).unwrap();
    assert_eq!(text(&v, Field::ContentLength), "5");
    assert_eq!(text(&v, Field::FileData), "hello");
    assert_eq!(
        string_of(|s| v.summary(s)),
        "POST /p HTTP/1.1  (text/plain)"
    );
    assert_eq!(pdu_len(m), Pdu::Whole(m.len()));
    let v = HttpView::new(b"POST /q HTTP/1.1\r\nContent-Length: 5x\r\n\r\nhello").unwrap();
    assert_eq!(text(&v, Field::ContentLengthHeader), "5x");
    assert_eq!(text(&v, Field::ContentLength), "");
    // Both framings: tshark notes it once.
    let v = HttpView::new(
        b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    )
    .unwrap();
    assert_eq!(text(&v, Field::TeAndLength), "1");
    assert_eq!(text(&v, Field::ChunkSize), "0");
}

#[test]
fn status_lines_as_tshark_reads_them() {
    let line = |l: &str| {
        let m = format!("{l}\r\nContent-Length: 0\r\n\r\n");
        let v = HttpView::new(m.as_bytes()).unwrap();
        [
            Field::ResponseVersion,
            Field::ResponseCode,
            Field::ResponseCodeDesc,
            Field::ResponsePhrase,
        ]
        .map(|f| text(&v, f))
        .join("|")
    };
    assert_eq!(line("HTTP/1.1 103 X"), "HTTP/1.1|103|Early Hints|X");
    assert_eq!(line("HTTP/1.1 600 X"), "HTTP/1.1|600|Unknown (600)|X");
    assert_eq!(line("HTTP/1.1 2x0 X"), "HTTP/1.1|2|Unknown (2)|X");
    assert_eq!(line("HTTP/1.1 20 X"), "HTTP/1.1|||");
    assert_eq!(line("HTTP/1.1 2000 X Y"), "HTTP/1.1|200|OK|X Y");
    assert_eq!(line("HTTP/1.1 200"), "HTTP/1.1|200|OK|");
    assert_eq!(line("ICY 200 OK"), "ICY|200|OK|OK");
    assert_eq!(line("HTTP/1.1   200   OK  "), "HTTP/1.1|200|OK|OK  ");
    assert_eq!(status_text(0), "Unknown (0)");
    assert_eq!(status_text(42), "Unknown (42)");
    assert_eq!(status_text(999), "Unknown (999)");
    assert_eq!(status_text(1000), "Unknown");
}

#[test]
fn body_framing() {
    // A response with neither length nor chunks runs until the close.
    let r = b"HTTP/1.0 200 OK\r\nServer: x\r\n\r\nsome body";
    assert_eq!(pdu_len(r), Pdu::Need(UNTIL_CLOSE));
    assert_eq!(HttpView::new(r).unwrap().body(), b"some body");
    // ... unless its status has no body, or it answers HEAD.
    assert_eq!(
        pdu_len(b"HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n"),
        Pdu::Whole(48)
    );
    assert_eq!(
        pdu_len(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"),
        Pdu::Whole(25)
    );
    let head = b"HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n";
    assert_eq!(pdu_len(head), Pdu::Need(head.len() + 1234));
    assert_eq!(pdu_len_response_to(head, b"HEAD"), Pdu::Whole(head.len()));
    assert_eq!(
        pdu_len_response_to(
            b"HTTP/1.1 200 Connection established\r\n\r\n\x16\x03",
            b"CONNECT"
        ),
        Pdu::Whole(39)
    );
    // MS-RPCH: a connection-long Content-Length is not waited for (arkime
    // arkime_synthetic.pcap frame 136, the whole TCP payload).
    let rpc = b"RPC_IN_DATA /rpc/rpcproxy.dll?MAIL.example.com:6001 HTTP/1.1\r\n\
Host: mail.example.com\r\nUser-Agent: MSRPC\r\nCache-Control: no-cache\r\n\
Connection: Keep-Alive\r\nContent-Length: 1073741824\r\n\r\n";
    assert_eq!(pdu_len(rpc), Pdu::Whole(rpc.len()));
    assert_eq!(
        pdu_len(&[&rpc[..], b"\x05\x00"].concat()),
        Pdu::Whole(rpc.len())
    );
    let v = HttpView::new(rpc).unwrap();
    assert_eq!(v.problem(), None);
    assert_eq!(text(&v, Field::UserAgent), "MSRPC");
    // A request without a length has no body.
    assert_eq!(
        pdu_len(b"GET / HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n"),
        Pdu::Whole(18)
    );
    // Pipelined requests with bodies.
    let two = b"POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\nhiPOST";
    assert_eq!(pdu_len(two), Pdu::Whole(two.len() - 4));
    // Trailers after the last chunk.
    let t = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\nX-T: 1\r\n\r\n";
    assert_eq!(pdu_len(t), Pdu::Whole(t.len()));
    let v = HttpView::new(t).unwrap();
    assert_eq!(text(&v, Field::ChunkedTrailerPart), "X-T: 1\\r\\n");
    assert_eq!(text(&v, Field::ChunkSize), "1,0");
    assert_eq!(text(&v, Field::FileData), "a");
    assert_eq!(v.body().len(), t.len() - 47);
    // At the end of the stream (arkime gre-erspan-vxlan.pcap frame 5: a
    // response with FIN in its segment) the body is what is there.
    let fin = b"HTTP/1.1 200 OK\r\nServer: x\r\n\r\nHi Andy!";
    assert_eq!(pdu_len(fin), Pdu::Need(UNTIL_CLOSE));
    assert_eq!(pdu_len_at_end(fin), Pdu::Whole(fin.len()));
    assert_eq!(pdu_len_at_end(&head[..]), Pdu::Whole(head.len()));
    assert_eq!(pdu_len_at_end(&t[..t.len() - 2]), Pdu::Whole(t.len() - 2));
    assert_eq!(pdu_len_at_end(b"HTTP/1.1 200 OK\r\nServer"), Pdu::Need(24));
    assert_eq!(pdu_len_at_end(b"GET / HTTP/1.1\r\n\r\n"), Pdu::Whole(18));
}

#[test]
fn hostile_ten_thousand_headers() {
    let mut m = b"GET / HTTP/1.1\r\n".to_vec();
    for i in 0..limits::MAX_HEADERS {
        m.extend_from_slice(format!("X{i}: v\r\n").as_bytes());
    }
    let exactly = [&m[..], b"\r\n"].concat();
    // 10,000 headers in 99 KiB: the header block cap comes first.
    assert_eq!(pdu_len(&exactly), Pdu::Whole(limits::MAX_HEADER_BLOCK));
    let v = HttpView::new(&exactly).unwrap();
    assert_eq!(v.problem().map(|p| p.0), Some(Problem::HeaderBlockTooLarge));
    walk(&exactly);
    // Short lines: the count cap.
    let mut m = b"GET / HTTP/1.1\r\n".to_vec();
    for _ in 0..limits::MAX_HEADERS + 5 {
        m.extend_from_slice(b"a:\n");
    }
    let ok_end = 16 + 3 * limits::MAX_HEADERS;
    assert_eq!(pdu_len(&m), Pdu::Whole(ok_end));
    let v = HttpView::new(&m).unwrap();
    assert_eq!(v.headers().count(), limits::MAX_HEADERS);
    assert_eq!(
        v.problem(),
        Some((Problem::TooManyHeaders, ok_end..m.len()))
    );
    assert!(v.body().is_empty());
    walk(&m);
    // Exactly the cap, then the end: a good message.
    let mut m = m[..ok_end].to_vec();
    m.extend_from_slice(b"\r\n");
    assert_eq!(pdu_len(&m), Pdu::Whole(m.len()));
    assert_eq!(HttpView::new(&m).unwrap().problem(), None);
}

#[test]
fn framing_a_long_line_byte_by_byte_is_linear() {
    // 60,000 calls; rescanning the line each time would be 1.8e9 steps.
    let mut m = b"GET / HTTP/1.1\r\nCookie: ".to_vec();
    m.resize(60_000, b'c');
    m.extend_from_slice(b"\r\n\r\n");
    let mut f = Framer::new();
    for n in 1..m.len() {
        assert_eq!(f.feed(&m[..n]), Pdu::Need(n + 1));
    }
    assert_eq!(f.feed(&m), Pdu::Whole(m.len()));
}

#[test]
fn hostile_header_block_without_end() {
    let mut m = b"GET / HTTP/1.1\r\n".to_vec();
    while m.len() < 200_000 {
        m.extend_from_slice(b"X-Filler: 0123456789abcdef\r\n");
    }
    assert_eq!(pdu_len(&m[..60_000]), Pdu::Need(60_001));
    assert_eq!(pdu_len(&m), Pdu::Whole(limits::MAX_HEADER_BLOCK));
    let v = HttpView::new(&m).unwrap();
    assert_eq!(v.problem().map(|p| p.0), Some(Problem::HeaderBlockTooLarge));
    walk(&m);
    // One endless line, start line included.
    let mut m = b"GET /".to_vec();
    m.resize(100_000, b'a');
    assert_eq!(pdu_len(&m), Pdu::Whole(limits::MAX_HEADER_BLOCK));
    walk(&m);
    let v = HttpView::new(b"GET / HTTP/1.1\r\nHost: a\r\nAcc").unwrap();
    assert_eq!(v.problem().map(|p| p.0), Some(Problem::HeadersCut));
    assert_eq!(text(&v, Field::RequestLine), "Host: a\\r\\n");
    let v = HttpView::new(b"GET / HTTP/1.1\r\nHost: a\r\nAcc: x").unwrap();
    assert_eq!(v.problem().map(|p| p.0), Some(Problem::HeadersCut));
    assert_eq!(text(&v, Field::RequestLine), "Host: a\\r\\n,Acc: x");
}

#[test]
fn hostile_chunk_sizes() {
    let head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    // Overflowing hex: unreasonable, the message ends before it.
    let m = [&head[..], b"ffffffffffffffffff\r\nabc\r\n0\r\n\r\n"].concat();
    assert_eq!(pdu_len(&m), Pdu::Whole(head.len()));
    let v = HttpView::new(&m).unwrap();
    assert_eq!(
        text(&v, Field::ChunkSize),
        format!("{}", m.len() - head.len())
    );
    walk(&m);
    // Just above 2^31: also unreasonable; 2^31 itself is awaited.
    let m = [&head[..], b"80000001\r\n"].concat();
    assert_eq!(pdu_len(&m), Pdu::Whole(head.len()));
    let m = [&head[..], b"80000000\r\n"].concat();
    assert_eq!(pdu_len(&m), Pdu::Need(m.len() + (1 << 31) + 2));
    // A size line that never ends: the message ends before it.
    let mut m = head.to_vec();
    m.resize(head.len() + limits::MAX_HEADER_BLOCK + 10, b'1');
    assert_eq!(pdu_len(&m), Pdu::Whole(head.len()));
    walk(&m);
    // Not hex, negative: the message ends there; the view calls it size 0.
    for bad in [&b"zz\r\n"[..], b"-5\r\nabc\r\n", b"\r\n"] {
        let m = [&head[..], bad].concat();
        assert_eq!(pdu_len(&m), Pdu::Whole(head.len()), "{bad:?}");
        walk(&m);
    }
}

#[test]
fn hostile_content_lengths() {
    for (cl, want) in [
        ("-1", None),
        ("-0", Some(0)),
        ("99999999999999999999999999", None),
        ("2147483648", None),
        ("2147483647", Some(i32::MAX as usize)),
        ("18446744073709551615", None),
    ] {
        let m = format!("POST / HTTP/1.1\r\nContent-Length: {cl}\r\n\r\nxy");
        let hdr = m.len() - 2;
        let expect = match want {
            None => Pdu::Whole(hdr),
            Some(n) if hdr + n <= m.len() => Pdu::Whole(hdr + n),
            Some(n) => Pdu::Need(hdr + n),
        };
        assert_eq!(pdu_len(m.as_bytes()), expect, "{cl}");
        walk(m.as_bytes());
        let r = format!("HTTP/1.1 200 OK\r\nContent-Length: {cl}\r\n\r\nxy");
        walk(r.as_bytes());
    }
    let v = HttpView::new(b"HTTP/1.1 200 OK\r\nContent-Length: 3000000000\r\n\r\nab").unwrap();
    assert_eq!(text(&v, Field::ContentLength), "3000000000");
    assert_eq!(
        v.content_length(),
        None,
        "framing ignores lengths past 2^31-1"
    );
    let v = HttpView::new(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab").unwrap();
    assert_eq!(v.problem().map(|p| p.0), Some(Problem::BodyCut));
}

#[test]
fn hostile_endless_chunked_body() {
    let head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    let mut m = head.to_vec();
    for _ in 0..limits::MAX_CHUNKS + 10 {
        m.extend_from_slice(b"1\r\nx\r\n");
    }
    // Framing stops after MAX_CHUNKS chunks, at a chunk boundary.
    let cap = head.len() + 6 * limits::MAX_CHUNKS;
    assert_eq!(pdu_len(&m), Pdu::Whole(cap));
    // Fed in small pieces, the framer resumes and reaches the same end,
    // walking each chunk once.
    let mut f = Framer::new();
    let mut got = Pdu::Need(0);
    for n in (0..=m.len()).step_by(7) {
        got = f.feed(&m[..n]);
        if let Pdu::Whole(_) = got {
            break;
        }
    }
    assert_eq!(got, Pdu::Whole(cap));
    let v = HttpView::new(&m[..cap]).unwrap();
    assert_eq!(v.chunks().count(), limits::MAX_CHUNKS);
    assert_eq!(v.problem().map(|p| p.0), Some(Problem::ChunkedBodyCut));
    assert_eq!(
        text(&v, Field::FileData),
        "",
        "more than one chunk: no copy-free file data"
    );
    // Big chunks: the body cap.
    let mut m = head.to_vec();
    let chunk = [b'y'; 1 << 20];
    while m.len() < limits::MAX_CHUNKED_BODY + (3 << 20) {
        m.extend_from_slice(b"100000\r\n");
        m.extend_from_slice(&chunk);
        m.extend_from_slice(b"\r\n");
    }
    let per = 8 + (1 << 20) + 2;
    let n = limits::MAX_CHUNKED_BODY.div_ceil(per);
    assert_eq!(pdu_len(&m), Pdu::Whole(head.len() + n * per));
}

#[test]
fn truncated_everywhere_and_mutated() {
    let t = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\nX-T: 1\r\n\r\n";
    for msg in [GET, NO_CONTENT, CHUNKED, &t[..]] {
        for n in 0..=msg.len() {
            walk(&msg[..n]);
            walk(&msg[n..]);
        }
        for i in 0..msg.len() {
            for byte in [0u8, b'\r', b'\n', b':', b' ', b'0', 0xff] {
                let mut m = msg.to_vec();
                m[i] = byte;
                walk(&m);
            }
        }
    }
}

fn token_bytes(min: usize) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(
        prop_oneof![
            proptest::char::range('a', 'z'),
            proptest::char::range('A', 'Z'),
            proptest::char::range('0', '9'),
            Just('-'),
            Just('_'),
        ],
        min..12,
    )
    .prop_map(|v| v.into_iter().collect::<String>().into_bytes())
}

/// Header values: printable, no line ends, not starting with a blank (the
/// view skips those), not ending with one either (trailing blanks stay).
fn value_bytes() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(0x21u8..0x7f, 0..24).prop_flat_map(|v| {
        let n = v.len();
        proptest::collection::vec(any::<bool>(), n).prop_map(move |spaces| {
            v.iter()
                .zip(&spaces)
                .enumerate()
                .map(|(i, (&c, &s))| if s && i > 0 && i + 1 < n { b' ' } else { c })
                .collect()
        })
    })
}

fn repr() -> impl Strategy<Value = HttpRepr> {
    let methods: Vec<&'static [u8]> = frame::tests_methods();
    let request = (
        proptest::sample::select(methods),
        token_bytes(1).prop_map(|t| [&b"/"[..], &t].concat()),
        prop_oneof![Just(b"HTTP/1.1".to_vec()), Just(b"HTTP/1.0".to_vec())],
    )
        .prop_map(|(m, uri, version)| StartLine::Request {
            method: m.to_vec(),
            uri,
            version,
        });
    let response = (
        prop_oneof![Just(b"HTTP/1.1".to_vec()), Just(b"HTTP/1.0".to_vec())],
        100u16..1000,
        value_bytes(),
    )
        .prop_map(|(version, code, reason)| StartLine::Response {
            version,
            code,
            reason,
        });
    let header = (token_bytes(1), value_bytes()).prop_filter("framing headers", |(n, _)| {
        !n.eq_ignore_ascii_case(b"content-length") && !n.eq_ignore_ascii_case(b"transfer-encoding")
    });
    let data = proptest::collection::vec(any::<u8>(), 0..40);
    let body = prop_oneof![
        data.clone().prop_map(Body::Length),
        proptest::collection::vec(proptest::collection::vec(any::<u8>(), 1..20), 0..4)
            .prop_map(Body::Chunked),
        data.prop_map(Body::Raw),
    ];
    (
        prop_oneof![request, response],
        proptest::collection::vec(header, 0..6),
        body,
    )
        .prop_map(|(start, headers, body)| {
            // Requests without framing carry no body; neither do responses
            // whose status forbids one.
            let bodiless = match &start {
                StartLine::Response { code, .. } => bodiless_status(*code),
                StartLine::Request { .. } => matches!(body, Body::Raw(_)),
            };
            let body = if bodiless {
                Body::Raw(Vec::new())
            } else {
                body
            };
            HttpRepr {
                start,
                headers,
                body,
            }
        })
}

proptest! {
    #[test]
    fn build_then_parse(r in repr(), tail in proptest::collection::vec(any::<u8>(), 0..8)) {
        let mut buf = Vec::new();
        r.emit(&mut buf);
        let v = HttpView::new(&buf).unwrap();
        prop_assert_eq!(HttpRepr::parse(&v), r.clone());
        prop_assert_eq!(v.problem(), None);
        // Framing agrees: the whole message, not a byte more.
        let expect = match (&r.start, &r.body) {
            (StartLine::Response { code, .. }, Body::Raw(_)) if !bodiless_status(*code) => {
                Pdu::Need(UNTIL_CLOSE)
            }
            _ => Pdu::Whole(buf.len()),
        };
        prop_assert_eq!(pdu_len(&buf), expect);
        let mut more = buf.clone();
        more.extend_from_slice(&tail);
        if let Pdu::Whole(n) = expect {
            prop_assert_eq!(pdu_len(&more), Pdu::Whole(n));
        }
        walk(&buf);
    }

    #[test]
    fn any_bytes_are_safe(b in proptest::collection::vec(any::<u8>(), 0..300)) {
        walk(&b);
        let mut with_start = b"GET / HTTP/1.1\r\n".to_vec();
        with_start.extend_from_slice(&b);
        walk(&with_start);
        let mut chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        chunked.extend_from_slice(&b);
        walk(&chunked);
    }
}
