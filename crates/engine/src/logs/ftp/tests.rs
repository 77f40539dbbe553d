use super::*;
use crate::logs::apps::testing::{conn, frame, Rows, SEC};
use crate::logs::apps::ConnRef;
use crate::logs::files::ToControl;

/// suricata ftp-ftp-upload-passive-input.pcap, control connection frames 4
/// to 41 (commands and replies as sent).
const SESSION: &[(bool, &str)] = &[
    (false, "220 FTP Sandbox Ready.\r\n"),
    (true, "USER alice\r\n"),
    (false, "331 Please specify the password.\r\n"),
    (true, "PASS password\r\n"),
    (false, "230 Login successful.\r\n"),
    (true, "TYPE I\r\n"),
    (false, "200 Switching to Binary mode.\r\n"),
    (true, "PASV\r\n"),
    (false, "227 Entering Passive Mode (172,23,0,2,82,11).\r\n"),
    (true, "STOR index.html\r\n"),
    (false, "150 Ok to send data.\r\n"),
    (false, "226 Transfer complete.\r\n"),
    (true, "QUIT\r\n"),
];

fn control() -> ConnRef {
    conn(true, 0, ("172.23.0.3", 43234), ("172.23.0.2", 21))
}

fn feed(t: &mut Tracker, rows: &mut Rows, c: &ConnRef, ts: i64, orig: bool, text: &str) {
    let v = FtpView::new(text.as_bytes(), orig).expect("FTP");
    let m = Msg::read(&v).expect("message");
    let f = frame(c, ts, orig);
    t.message(&f, m, rows).expect("sink");
}

#[test]
fn logged_commands_with_replies_and_data_channel() {
    let (mut t, mut rows, c) = (Tracker::default(), Rows::default(), control());
    for (i, (orig, text)) in SESSION.iter().enumerate() {
        feed(&mut t, &mut rows, &c, i as i64 * SEC, *orig, text);
    }
    t.conn_ended(c.id, &mut rows).expect("sink");
    // USER, PASS, TYPE, QUIT are not among Zeek's logged commands.
    assert_eq!(rows.count("ftp"), 2);
    rows.check(
        "ftp",
        0,
        &[
            ("ts", "7.000000"),
            ("user", "alice"),
            ("password", "<hidden>"),
            ("command", "PASV"),
            ("arg", "-"),
            ("reply_code", "227"),
            ("reply_msg", "Entering Passive Mode (172,23,0,2,82,11)."),
            ("data_channel.passive", "T"),
            ("data_channel.orig_h", "172.23.0.3"),
            ("data_channel.resp_h", "172.23.0.2"),
            ("data_channel.resp_p", "21003"),
        ],
    );
    rows.check(
        "ftp",
        1,
        &[
            ("command", "STOR"),
            ("arg", "ftp://172.23.0.2/./index.html"),
            ("reply_code", "226"),
            ("data_channel.passive", "-"),
        ],
    );
    // The data connection the 227 announced (frame 15 opens it).
    let ip = |s: &str| s.parse::<IpAddr>().expect("address");
    let mut data =
        |at: i64, from: &str, port| t.is_data_conn(at * SEC, ip(from), ip("172.23.0.2"), port);
    assert_eq!(data(9, "172.23.0.3", 21003), Some(c.id));
    assert_eq!(data(9, "172.23.0.9", 21003), None);
    assert_eq!(data(9, "172.23.0.3", 21004), None);
    // Five minutes later it has lapsed.
    assert_eq!(data(400, "172.23.0.3", 21003), None);
    assert_eq!(t.stats.data_conns, 1);
}

/// The file a data connection carries names itself on the control
/// connection's next record, as `ftp/files.zeek` sets the session's
/// `fuid` and `mime_type` and `ftp_message` clears them after each
/// command's record: a listing's file goes with the LIST (not logged), the
/// upload's with the STOR.
#[test]
fn data_files_name_themselves_on_the_next_record() {
    let (mut t, mut rows, c) = (Tracker::default(), Rows::default(), control());
    let session = [
        &SESSION[..9],
        &[
            (true, "LIST\r\n"),
            (false, "150 Here comes the directory listing.\r\n"),
            (false, "226 Directory send OK.\r\n"),
            (true, "PASV\r\n"),
            (false, "227 Entering Passive Mode (172,23,0,2,82,12).\r\n"),
        ],
        &SESSION[9..],
    ]
    .concat();
    for (i, (orig, text)) in session.iter().enumerate() {
        feed(&mut t, &mut rows, &c, i as i64 * SEC, *orig, text);
        match *text {
            // The listing's bytes, then the upload's, on their data
            // connections.
            "150 Here comes the directory listing.\r\n" => {
                t.told(ToControl::Opened(c.id, "Flisting".into()));
                t.told(ToControl::Typed(c.id, "text/plain"));
            }
            "150 Ok to send data.\r\n" => {
                t.told(ToControl::Opened(c.id, "Fupload".into()));
                t.told(ToControl::Typed(c.id, "text/html"));
            }
            _ => {}
        }
    }
    t.conn_ended(c.id, &mut rows).expect("sink");
    let commands: Vec<_> = (0..rows.count("ftp"))
        .map(|i| ["command", "mime_type", "fuid"].map(|k| rows.get("ftp", i, k)))
        .collect();
    assert_eq!(
        commands,
        [
            ["PASV", "-", "-"],
            ["PASV", "-", "-"],
            ["STOR", "text/html", "Fupload"],
        ]
    );
    // A control connection that is gone is told nothing.
    let mut other = Tracker::default();
    other.told(ToControl::Opened(c.id, "Fx".into()));
    assert!(other.conns.is_empty());
}

#[test]
fn guest_password_is_shown_and_cwd_followed() {
    let (mut t, mut rows, c) = (Tracker::default(), Rows::default(), control());
    let lines: &[(bool, &str)] = &[
        (false, "220 ready\r\n"),
        (true, "USER anonymous\r\n"),
        (false, "331 ok\r\n"),
        (true, "PASS me@example.com\r\n"),
        (false, "230 in\r\n"),
        (true, "CWD pub/files\r\n"),
        (false, "250 ok\r\n"),
        (true, "CDUP\r\n"),
        (false, "250 ok\r\n"),
        (true, "RETR a.txt\r\n"),
        (
            false,
            "150 Opening BINARY mode data connection for a.txt (1234 bytes).\r\n",
        ),
        (false, "226 done\r\n"),
    ];
    for (i, (orig, text)) in lines.iter().enumerate() {
        feed(&mut t, &mut rows, &c, i as i64 * SEC, *orig, text);
    }
    t.finish(&mut rows).expect("sink");
    assert_eq!(rows.count("ftp"), 1);
    rows.check(
        "ftp",
        0,
        &[
            ("password", "me@example.com"),
            ("arg", "ftp://172.23.0.2/./pub/a.txt"),
            ("file_size", "1234"),
        ],
    );
}

#[test]
fn paths_compress_as_zeek() {
    assert_eq!(build_path(b".", b"x"), b"./x");
    assert_eq!(build_path(b"/a/b", b"../c"), b"/a/c");
    assert_eq!(build_path(b"/a", b"/etc//passwd"), b"/etc/passwd");
    assert_eq!(build_path(b"./a", b".."), b".");
    assert_eq!(last_number(b"file (1234 bytes)"), Some(1234));
    assert_eq!(last_number(b"none"), None);
    assert_eq!(
        quoted_path(b"\"/home/\"\"q\" is cwd"),
        Some(b"/home/\"q".to_vec())
    );
}

#[test]
fn pending_commands_are_bounded() {
    let (mut t, mut rows, c) = (Tracker::default(), Rows::default(), control());
    for i in 0..100 {
        feed(&mut t, &mut rows, &c, i * SEC, true, "DELE x\r\n");
    }
    assert!(t.stats.too_many_pending > 0);
    t.finish(&mut rows).expect("sink");
    assert_eq!(rows.count("ftp"), MAX_PENDING - 1);
}

#[test]
fn capture_starting_mid_session_pairs_pasv_with_its_reply() {
    // zeek ftp-ftp-with-numbers-in-filename.pcap, frames 1 and 3: the
    // capture begins with a PASV, no greeting.
    let (mut t, mut rows, c) = (Tracker::default(), Rows::default(), control());
    feed(&mut t, &mut rows, &c, 0, true, "PASV\r\n");
    feed(
        &mut t,
        &mut rows,
        &c,
        SEC,
        false,
        "227 Entering Passive Mode (164,107,123,6,183,187)\r\n",
    );
    feed(&mut t, &mut rows, &c, 2 * SEC, true, "CWD /mirror/\r\n");
    assert_eq!(rows.count("ftp"), 1);
    assert_eq!(rows.get("ftp", 0, "reply_code"), "227");
    assert_eq!(rows.get("ftp", 0, "data_channel.resp_p"), "47035");
}
