use super::*;
use crate::logs::apps::testing::{conn, frame, Rows, SEC};
use crate::logs::apps::ConnRef;

/// zeek smtp.pcap, frames 6 to 49 without the AUTH exchange and the mail
/// content (commands and replies as sent).
const SESSION: &[(bool, &str)] = &[
    (false, "220-xc90.websitewelcome.com ESMTP Exim 4.69 #1 Mon, 05 Oct 2009 01:05:54 -0500 \r\n220-We do not authorize the use of this system to transport unsolicited, \r\n220 and/or bulk e-mail.\r\n"),
    (true, "EHLO GP\r\n"),
    (false, "250-xc90.websitewelcome.com Hello GP [122.162.143.157]\r\n250-SIZE 52428800\r\n250-PIPELINING\r\n250-AUTH PLAIN LOGIN\r\n250-STARTTLS\r\n250 HELP\r\n"),
    (true, "MAIL FROM: <gurpartap@patriots.in>\r\n"),
    (false, "250 OK\r\n"),
    (true, "RCPT TO: <raj_deol2002in@yahoo.co.in>\r\n"),
    (false, "250 Accepted\r\n"),
    (true, "DATA\r\n"),
    (false, "354 Enter message, ending with \".\" on a line by itself\r\n"),
    (false, "250 OK id=1Mugho-0003Dg-Un\r\n"),
    (true, "QUIT\r\n"),
    (false, "221 xc90.websitewelcome.com closing connection\r\n"),
];

fn tcp() -> ConnRef {
    conn(true, 1, ("10.10.1.4", 1470), ("74.53.140.153", 25))
}

fn feed(t: &mut Tracker, rows: &mut Rows, c: &ConnRef, ts: i64, orig: bool, text: &str) {
    let v = SmtpView::new(text.as_bytes(), orig).expect("SMTP");
    let m = Msg::read(&v).expect("message");
    let f = frame(c, ts, orig);
    t.message(&f, m, rows).expect("sink");
}

#[test]
fn one_transaction_as_zeek_writes_it() {
    let (mut t, mut rows, c) = (Tracker::default(), Rows::default(), tcp());
    for (i, (orig, text)) in SESSION.iter().enumerate() {
        feed(&mut t, &mut rows, &c, i as i64 * SEC, *orig, text);
        if i == 9 {
            assert_eq!(rows.count("smtp"), 1, "written at the reply to the content");
        }
    }
    t.conn_ended(c.id, &mut rows).expect("sink");
    // The QUIT after it starts no transaction of its own.
    assert_eq!(rows.count("smtp"), 1);
    rows.check(
        "smtp",
        0,
        &[
            ("ts", "0.000000"),
            ("trans_depth", "1"),
            ("helo", "GP"),
            ("mailfrom", "<gurpartap@patriots.in>"),
            ("rcptto", "<raj_deol2002in@yahoo.co.in>"),
            ("last_reply", "250 OK id=1Mugho-0003Dg-Un"),
            ("path", "74.53.140.153,10.10.1.4"),
            ("tls", "F"),
            ("fuids", "(empty)"),
            ("subject", "-"),
        ],
    );
}

#[test]
fn starttls_and_second_mail_from() {
    let (mut t, mut rows, c) = (Tracker::default(), Rows::default(), tcp());
    let lines: &[(bool, &str)] = &[
        (true, "EHLO a\r\n"),
        (true, "MAIL FROM:<x@a> SIZE=10\r\n"),
        (true, "RCPT TO:<y@b>\r\n"),
        (true, "RCPT TO:<z@b>\r\n"),
        (true, "MAIL FROM:<w@a>\r\n"),
        (true, "STARTTLS\r\n"),
        (false, "220 go ahead\r\n"),
    ];
    for (i, (orig, text)) in lines.iter().enumerate() {
        feed(&mut t, &mut rows, &c, i as i64 * SEC, *orig, text);
    }
    t.finish(&mut rows).expect("sink");
    assert_eq!(rows.count("smtp"), 2);
    rows.check(
        "smtp",
        0,
        &[("mailfrom", "<x@a>"), ("rcptto", "<y@b>,<z@b>")],
    );
    rows.check(
        "smtp",
        1,
        &[
            ("trans_depth", "1"),
            ("helo", "a"),
            ("mailfrom", "<w@a>"),
            ("tls", "T"),
            ("last_reply", "220 go ahead"),
        ],
    );
}

#[test]
fn greeting_alone_writes_nothing() {
    let (mut t, mut rows, c) = (Tracker::default(), Rows::default(), tcp());
    feed(&mut t, &mut rows, &c, 0, false, SESSION[0].1);
    t.finish(&mut rows).expect("sink");
    assert_eq!(rows.count("smtp"), 0);
}

/// zeek smtp.pcap frame 87's mail headers (the second connection), read as
/// Zeek's smtp.log shows them: `to`/`cc` split at commas, folded values
/// unfolded, X-Mailer as the user agent.
#[test]
fn the_mail_headers_fill_the_record() {
    let mail = b"From: Albert Zaharovits <albert@example.com>\r\nContent-Type: text/plain; charset=us-ascii\r\nX-Mailer: Apple Mail (2.2102)\r\nSubject: Re: Bro SMTP CC Header\r\nDate: Sat, 25 Jul 2015 16:43:07 +0300\r\nIn-Reply-To: <9ACEE03C-AB98-4046-AEC1-BF4910C61E96@example.com>\r\nCc: felica4uu@hotmail.com,\r\n davis_mark1@outlook.com\r\nMessage-Id: <A6202DF2-8E58-4E41-BE0B-C8D3989A4AEE@example.com>\r\nReceived: from a ([10.0.0.1])\r\nReceived: from b\r\nX-Originating-IP: [192.168.1.5]\r\nTo: ericlim220@yahoo.com\r\n\r\nHello\r\n";
    let h = Headers::read(&ImfView::new(mail));
    let (mut t, mut rows, c) = (Tracker::default(), Rows::default(), tcp());
    for (i, (orig, text)) in SESSION.iter().enumerate() {
        if i == 9 {
            let f = frame(&c, i as i64 * SEC, true);
            let m = Mail {
                headers: h.clone(),
                ..Mail::default()
            };
            t.message(&f, Msg::Mail(Box::new(m)), &mut rows)
                .expect("sink");
        }
        feed(&mut t, &mut rows, &c, i as i64 * SEC, *orig, text);
    }
    rows.check(
        "smtp",
        0,
        &[
            ("date", "Sat, 25 Jul 2015 16:43:07 +0300"),
            ("from", "Albert Zaharovits <albert@example.com>"),
            ("to", "ericlim220@yahoo.com"),
            ("cc", "felica4uu@hotmail.com,davis_mark1@outlook.com"),
            (
                "msg_id",
                "<A6202DF2-8E58-4E41-BE0B-C8D3989A4AEE@example.com>",
            ),
            (
                "in_reply_to",
                "<9ACEE03C-AB98-4046-AEC1-BF4910C61E96@example.com>",
            ),
            ("subject", "Re: Bro SMTP CC Header"),
            ("x_originating_ip", "192.168.1.5"),
            ("first_received", "from b"),
            ("second_received", "from a ([10.0.0.1])"),
            ("user_agent", "Apple Mail (2.2102)"),
            ("reply_to", "-"),
            // The server, the client, and the hop of `Received: from a
            // ([10.0.0.1])` (`from b` names none).
            ("path", "74.53.140.153,10.10.1.4,10.0.0.1"),
        ],
    );
}

#[test]
fn hostile_headers_stay_bounded() {
    let mut mail = b"To: ".to_vec();
    for i in 0..5000 {
        mail.extend_from_slice(format!("a{i}@b, ").as_bytes());
    }
    mail.extend_from_slice(b"\r\nSubject: ");
    mail.extend(std::iter::repeat_n(b'x', 100_000));
    mail.extend_from_slice(b"\r\n\r\n");
    let h = Headers::read(&ImfView::new(&mail));
    assert!(h.to.as_ref().unwrap().len() <= MAX_RCPT);
    assert_eq!(h.subject.unwrap().len(), MAX_TEXT);
}

/// The address a `Received` header names, by Zeek's rule: wrapped ones
/// only, the second of several.
#[test]
fn received_hops_as_zeek_finds_them() {
    let hop = |v: &str| received_hop(v.as_bytes()).map(|a| a.to_string());
    assert_eq!(
        hop("from mail.example.com (mail.example.com [192.0.2.1]) by mx.example.net (Postfix) with ESMTP id 4F1"),
        Some("192.0.2.1".into())
    );
    assert_eq!(
        hop("from [10.1.1.1] (helo=x) by y ([10.2.2.2]) with SMTP"),
        Some("10.2.2.2".into())
    );
    assert_eq!(hop("from host 10.9.9.9; Mon, 5 Oct 2009"), None);
    assert_eq!(hop("from x (1.2.3.4:25)"), None);
    assert_eq!(hop("10.3.3.3"), Some("10.3.3.3".into()));
    assert_eq!(
        hop("from a (b [2001:db8::1]) by c"),
        Some("2001:db8::1".into())
    );
    // 256 is no octet.
    assert_eq!(hop("from a ([10.0.0.256])"), None);
}

/// A mail transaction up to the server's `354`, then `content` (as
/// sent, each piece with the bytes of the mail's gap before it) a second
/// apart from 10 s, the
/// `.` line when `dot`, and the server's `250`.
fn mail_session(content: &[(&str, u64)], dot: bool) -> Rows {
    let (mut t, mut rows, c) = (Tracker::default(), Rows::default(), tcp());
    for (i, text) in ["MAIL FROM:<a@b>\r\n", "RCPT TO:<c@d>\r\n", "DATA\r\n"]
        .iter()
        .enumerate()
    {
        feed(&mut t, &mut rows, &c, i as i64 * SEC, true, text);
    }
    feed(&mut t, &mut rows, &c, 4 * SEC, false, "354 go ahead\r\n");
    let mut ts = 10 * SEC;
    for (text, gap) in content {
        let m = Msg::Content {
            bytes: text.as_bytes().to_vec(),
            gap: *gap,
        };
        t.message(&frame(&c, ts, true), m, &mut rows).expect("sink");
        ts += SEC;
    }
    if dot {
        let mail = Msg::Mail(Box::default());
        t.message(&frame(&c, ts, true), mail, &mut rows)
            .expect("sink");
    }
    feed(&mut t, &mut rows, &c, ts + SEC, false, "250 OK\r\n");
    t.conn_ended(c.id, &mut rows).expect("sink");
    rows
}

/// As Zeek's SMTP analyzer ends a mail at a gap in its content: the
/// parts read before it are files, what comes after it is no mail.
#[test]
fn a_gap_in_a_mail_ends_its_reading() {
    let before = "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\npart one\r\n--b\r\n\r\npart two\r\n";
    let after = "more\r\n--b\r\n\r\npart three\r\n--b--\r\n";
    let rows = mail_session(&[(before, 0), (after, 100)], true);
    assert_eq!(rows.count("files"), 2);
    let one = [("seen_bytes", "8"), ("depth", "2"), ("ts", "10.000000")];
    rows.check("files", 0, &one);
    rows.check("files", 0, &[("missing_bytes", "0")]);
    // "part two": its CR LF was owed to a boundary that never came; it
    // was being read at the gap.
    let two = [
        ("seen_bytes", "8"),
        ("depth", "3"),
        ("missing_bytes", "100"),
    ];
    rows.check("files", 1, &two);
    assert_eq!(rows.count("smtp"), 1);
    let fuids = rows.get("smtp", 0, "fuids");
    assert_eq!(fuids.split(',').count(), 2);
    // Without the gap, the same bytes are one more part, and "more" is
    // part two's.
    let rows = mail_session(&[(before, 0), (after, 0)], true);
    assert_eq!(rows.count("files"), 3);
    rows.check("files", 1, &[("seen_bytes", "14")]);
}

/// A mail whose `.` line was not seen still has its files: read up to
/// the server's reply to its content, or to its connection's end.
#[test]
fn a_mail_without_its_end_ends_at_the_reply() {
    let rows = mail_session(&[("Subject: x\r\n\r\nhello\r\n", 0)], false);
    assert_eq!(rows.count("files"), 1);
    rows.check("files", 0, &[("seen_bytes", "7"), ("ts", "10.000000")]);
    assert_eq!(rows.get("smtp", 0, "fuids"), rows.get("files", 0, "fuid"));
}
