//! Handcrafted files for every format, byte order and resolution, and for
//! the ways files break.

use super::*;

// ---- builders ---------------------------------------------------------

fn put16(v: &mut Vec<u8>, x: u16, o: ByteOrder) {
    v.extend_from_slice(&match o {
        ByteOrder::Little => x.to_le_bytes(),
        ByteOrder::Big => x.to_be_bytes(),
    });
}

fn put32(v: &mut Vec<u8>, x: u32, o: ByteOrder) {
    v.extend_from_slice(&match o {
        ByteOrder::Little => x.to_le_bytes(),
        ByteOrder::Big => x.to_be_bytes(),
    });
}

fn put64(v: &mut Vec<u8>, x: u64, o: ByteOrder) {
    v.extend_from_slice(&match o {
        ByteOrder::Little => x.to_le_bytes(),
        ByteOrder::Big => x.to_be_bytes(),
    });
}

/// A classic pcap file. `magic` is the host-order magic number.
fn pcap_file(o: ByteOrder, magic: u32, link: u32, recs: &[(u32, u32, u32, &[u8])]) -> Vec<u8> {
    let mut v = vec![];
    put32(&mut v, magic, o);
    put16(&mut v, 2, o);
    put16(&mut v, 4, o);
    put32(&mut v, 0, o);
    put32(&mut v, 0, o);
    put32(&mut v, 65535, o);
    put32(&mut v, link, o);
    for &(sec, frac, orig, data) in recs {
        put32(&mut v, sec, o);
        put32(&mut v, frac, o);
        put32(&mut v, data.len() as u32, o);
        put32(&mut v, orig, o);
        if magic == 0xa1b2_cd34 {
            put32(&mut v, 2, o); // ifindex
            put16(&mut v, 0x0800, o); // protocol
            v.extend_from_slice(&[0, 0]); // packet type, padding
        }
        v.extend_from_slice(data);
    }
    v
}

/// A pcapng block with `body` padded to 4.
fn block(o: ByteOrder, btype: u32, body: &[u8]) -> Vec<u8> {
    let pad = body.len().next_multiple_of(4);
    let len = (12 + pad) as u32;
    let mut v = vec![];
    put32(&mut v, btype, o);
    put32(&mut v, len, o);
    v.extend_from_slice(body);
    v.resize(8 + pad, 0);
    put32(&mut v, len, o);
    v
}

fn shb(o: ByteOrder) -> Vec<u8> {
    let mut b = vec![];
    put32(&mut b, 0x1a2b_3c4d, o);
    put16(&mut b, 1, o);
    put16(&mut b, 0, o);
    put64(&mut b, u64::MAX, o);
    // an option (shb_userappl) then end of options
    put16(&mut b, 4, o);
    put16(&mut b, 5, o);
    b.extend_from_slice(b"test\0\0\0\0");
    put16(&mut b, 0, o);
    put16(&mut b, 0, o);
    block(o, pcapng::SHB, &b)
}

fn idb(
    o: ByteOrder,
    link: u16,
    snaplen: u32,
    tsresol: Option<u8>,
    tsoffset: Option<i64>,
) -> Vec<u8> {
    let mut b = vec![];
    put16(&mut b, link, o);
    put16(&mut b, 0, o);
    put32(&mut b, snaplen, o);
    if let Some(r) = tsresol {
        put16(&mut b, 9, o);
        put16(&mut b, 1, o);
        b.extend_from_slice(&[r, 0, 0, 0]);
    }
    if let Some(off) = tsoffset {
        put16(&mut b, 14, o);
        put16(&mut b, 8, o);
        put64(&mut b, off as u64, o);
    }
    block(o, pcapng::IDB, &b)
}

fn epb(o: ByteOrder, iface: u32, ts: u64, orig: u32, data: &[u8]) -> Vec<u8> {
    let mut b = vec![];
    put32(&mut b, iface, o);
    put32(&mut b, (ts >> 32) as u32, o);
    put32(&mut b, ts as u32, o);
    put32(&mut b, data.len() as u32, o);
    put32(&mut b, orig, o);
    b.extend_from_slice(data);
    b.resize(b.len().next_multiple_of(4), 0);
    // an epb_flags option and end of options
    put16(&mut b, 2, o);
    put16(&mut b, 4, o);
    put32(&mut b, 1, o);
    put32(&mut b, 0, o);
    block(o, pcapng::EPB, &b)
}

fn spb(o: ByteOrder, orig: u32, data: &[u8]) -> Vec<u8> {
    let mut b = vec![];
    put32(&mut b, orig, o);
    b.extend_from_slice(data);
    block(o, pcapng::SPB, &b)
}

fn obsolete_pb(o: ByteOrder, iface: u16, ts: u64, orig: u32, data: &[u8]) -> Vec<u8> {
    let mut b = vec![];
    put16(&mut b, iface, o);
    put16(&mut b, 0, o);
    put32(&mut b, (ts >> 32) as u32, o);
    put32(&mut b, ts as u32, o);
    put32(&mut b, data.len() as u32, o);
    put32(&mut b, orig, o);
    b.extend_from_slice(data);
    block(o, pcapng::PB, &b)
}

/// A reader that hands out at most `n` bytes per call, to exercise every
/// partial-read path.
struct Trickle<'a>(&'a [u8], usize);

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.1.min(buf.len()).min(self.0.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Owned {
    secs: i64,
    nanos: u32,
    has_ts: bool,
    cap: u32,
    orig: u32,
    link: u32,
    iface: u32,
    data: Vec<u8>,
}

impl Owned {
    fn of(p: &Packet<'_>) -> Owned {
        Owned {
            secs: p.ts_secs,
            nanos: p.ts_nanos,
            has_ts: p.has_timestamp,
            cap: p.cap_len,
            orig: p.orig_len,
            link: p.link_type,
            iface: p.interface_id,
            data: p.data.to_vec(),
        }
    }
}

/// Reads everything: the packets, then the error that ended it (if any).
fn read_all<R: Read>(mut r: FileReader<R>) -> (Vec<Owned>, Option<ReadError>, u64) {
    let mut out = vec![];
    let err = loop {
        match r.next_packet() {
            Ok(Some(p)) => {
                assert_eq!(p.cap_len as usize, p.data.len());
                assert!(p.ts_nanos < 1_000_000_000);
                out.push(Owned::of(&p))
            }
            Ok(None) => break None,
            Err(e) => break Some(e),
        }
    };
    // Finished for good.
    assert!(matches!(r.next_packet(), Ok(None)));
    assert_eq!(r.packets_read(), out.len() as u64);
    (out, err, r.bytes_offset())
}

/// Reads everything handing buffers off: each packet's bytes are taken
/// from the buffer it was lent from only once the reader has finished
/// with that buffer (and then given back for reuse), so a reader that
/// moved or overwrote lent bytes would show different packets.
fn read_all_handing_off<R: Read>(mut r: FileReader<R>) -> (Vec<Owned>, Option<ReadError>) {
    let mut done = vec![];
    let mut pending: Vec<(Owned, std::ops::Range<usize>)> = vec![];
    let mut settle = |pending: &mut Vec<(Owned, std::ops::Range<usize>)>, buf: &[u8]| {
        for (mut o, at) in pending.drain(..) {
            let kept = buf[at].to_vec();
            assert_eq!(o.data, kept, "bytes moved after being lent");
            o.data = kept;
            done.push(o);
        }
    };
    let err = loop {
        let h = r.next_handing_off();
        let mut back = None;
        if let Some(buf) = h.finished {
            settle(&mut pending, &buf);
            back = Some(buf);
        }
        let end = match h.next {
            Ok(Some((p, at))) => {
                pending.push((Owned::of(&p), at));
                None
            }
            Ok(None) => Some(None),
            Err(e) => Some(Some(e)),
        };
        if let Some(buf) = back {
            r.give_back(buf);
        }
        if let Some(e) = end {
            break e;
        }
    };
    let last = r.take_buffer();
    settle(&mut pending, &last);
    (done, err)
}

/// Bytes in a file of their own, removed when dropped.
struct TempFile(std::path::PathBuf);

impl TempFile {
    fn new(bytes: &[u8]) -> TempFile {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "wiresift-reader-test-{}-{n}.pcap",
            std::process::id()
        ));
        std::fs::write(&path, bytes).unwrap();
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Reads `bytes` from a file with [`FileReader::open`] (mapped, unless the
/// file is empty) in windows of `len` bytes (the default if `None`),
/// lending packets or handing windows off: both must agree, and are
/// returned.
fn read_file(bytes: &[u8], len: Option<usize>) -> (Vec<Owned>, Option<ReadError>) {
    let f = TempFile::new(bytes);
    let open = || match len {
        None => FileReader::open(&f.0),
        Some(len) => FileReader::open_with_buffer_len(&f.0, len),
    };
    let (a, ea, _) = match open() {
        Ok(r) => {
            assert_eq!(
                r.is_mapped(),
                cfg!(target_os = "linux") && !bytes.is_empty()
            );
            read_all(r)
        }
        Err(e) => (vec![], Some(e), 0),
    };
    let (b, eb) = match open() {
        Ok(r) => read_all_handing_off(r),
        Err(e) => (vec![], Some(e)),
    };
    assert_eq!(a, b, "handing off, windows of {len:?}");
    assert_eq!(format!("{ea:?}"), format!("{eb:?}"), "windows of {len:?}");
    (a, ea)
}

/// Reads `bytes` with the default buffer, a tiny buffer, and a trickling
/// reader, lending packets or handing buffers off, and from a file (mapped)
/// in windows of several sizes: all must agree.
fn read_bytes(bytes: &[u8]) -> (Vec<Owned>, Option<ReadError>) {
    let (a, ea, _) = match FileReader::new(bytes) {
        Ok(r) => read_all(r),
        Err(e) => (vec![], Some(e), 0),
    };
    for (buf, step) in [(64, usize::MAX), (64, 1), (100, 7), (4096, 3)] {
        let (b, eb, _) = match FileReader::with_buffer_len(Trickle(bytes, step), buf) {
            Ok(r) => read_all(r),
            Err(e) => (vec![], Some(e), 0),
        };
        assert_eq!(a, b, "buffer {buf}, reads of {step}");
        assert_eq!(
            format!("{ea:?}"),
            format!("{eb:?}"),
            "buffer {buf}, reads of {step}"
        );
        let (c, ec) = match FileReader::with_buffer_len(Trickle(bytes, step), buf) {
            Ok(r) => read_all_handing_off(r),
            Err(e) => (vec![], Some(e)),
        };
        assert_eq!(a, c, "handing off, buffer {buf}, reads of {step}");
        assert_eq!(
            format!("{ea:?}"),
            format!("{ec:?}"),
            "handing off, buffer {buf}, reads of {step}"
        );
    }
    for len in [None, Some(64), Some(100), Some(4096)] {
        let (m, em) = read_file(bytes, len);
        assert_eq!(a, m, "file, windows of {len:?}");
        assert_eq!(
            format!("{ea:?}"),
            format!("{em:?}"),
            "file, windows of {len:?}"
        );
    }
    (a, ea)
}

const D1: &[u8] = b"\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\x08\x00payload-one";
const D2: &[u8] = b"second packet, odd length";

// ---- classic pcap -----------------------------------------------------

#[test]
fn pcap_every_magic_and_byte_order() {
    for o in [ByteOrder::Little, ByteOrder::Big] {
        for (magic, nanos, variant) in [
            (0xa1b2_c3d4u32, false, PcapVariant::Standard),
            (0xa1b2_3c4d, true, PcapVariant::Nanosecond),
            (0xa1b2_cd34, false, PcapVariant::Ss991029),
        ] {
            let frac = if nanos { 123_456_789 } else { 123_456 };
            let bytes = pcap_file(
                o,
                magic,
                1,
                &[(1_700_000_000, frac, 1514, D1), (4_000_000_000, 0, 25, D2)],
            );
            let r = FileReader::new(&bytes[..]).unwrap();
            assert_eq!(
                r.format(),
                Format::Pcap {
                    byte_order: o,
                    variant,
                    version: (2, 4),
                }
            );
            assert_eq!(r.link_type(), Some(1));
            assert_eq!(r.snaplen(), Some(65535));
            assert_eq!(r.bytes_offset(), 24);
            let (p, e, end) = read_all(r);
            assert!(e.is_none(), "{e:?}");
            assert_eq!(end, bytes.len() as u64);
            assert_eq!(p.len(), 2);
            assert_eq!(p[0].secs, 1_700_000_000);
            assert_eq!(p[0].nanos, if nanos { 123_456_789 } else { 123_456_000 });
            assert_eq!(
                (p[0].cap, p[0].orig, p[0].link, p[0].iface),
                (D1.len() as u32, 1514, 1, 0)
            );
            assert_eq!(p[0].data, D1);
            // Seconds are unsigned: after 2038 still positive.
            assert_eq!(p[1].secs, 4_000_000_000);
            assert_eq!(p[1].data, D2);
            assert_eq!(read_bytes(&bytes).0, p);
        }
    }
}

#[test]
fn pcap_header_only_is_an_empty_capture() {
    let bytes = pcap_file(ByteOrder::Little, 0xa1b2_c3d4, 101, &[]);
    let (p, e) = read_bytes(&bytes);
    assert!(p.is_empty() && e.is_none());
}

#[test]
fn the_buffer_grows_for_a_big_record_and_shrinks_after() {
    let big = vec![0x5a; 200_000];
    let mut recs = vec![(1, 0, 60, D1); 3];
    recs.push((2, 0, 200_000, &big[..]));
    recs.extend([(3, 0, 60, D1); 2000]);
    let bytes = pcap_file(ByteOrder::Little, 0xa1b2_c3d4, 1, &recs);
    let mut r = FileReader::with_buffer_len(&bytes[..], 4096).unwrap();
    let mut most = 0;
    let mut n = 0;
    while let Some(p) = r.next_packet().unwrap() {
        if n == 3 {
            assert_eq!(p.data, &big[..]);
        }
        n += 1;
        most = most.max(r.buf.len());
    }
    assert_eq!(n, 2004);
    assert!(most >= 200_016, "{most}");
    assert_eq!(r.buf.len(), 4096);
}

#[test]
fn pcap_record_longer_than_the_buffer_and_than_snaplen() {
    let big = vec![0x5a; 100_000];
    let bytes = pcap_file(
        ByteOrder::Little,
        0xa1b2_c3d4,
        1,
        &[(1, 2, 100_000, &big), (3, 4, 25, D2)],
    );
    let (p, e) = read_bytes(&bytes);
    assert!(e.is_none());
    assert_eq!(p.len(), 2);
    assert_eq!(p[0].data, big);
    assert_eq!(p[1].data, D2);
}

#[test]
fn pcap_cut_in_the_middle_of_a_record() {
    let bytes = pcap_file(
        ByteOrder::Little,
        0xa1b2_c3d4,
        1,
        &[(1, 0, 100, D1), (2, 0, 100, D2), (3, 0, 100, D1)],
    );
    let third = 24 + 2 * 16 + D1.len() + D2.len();
    // Cut inside the third record's data, and inside its header.
    for cut in [third + 16 + 5, third + 9, third + 1] {
        let (p, e) = read_bytes(&bytes[..cut]);
        assert_eq!(p.len(), 2);
        match e {
            Some(ReadError::Truncated {
                packet,
                offset,
                needed,
                got,
            }) => {
                assert_eq!(packet, 3);
                assert_eq!(offset, third as u64);
                let needed_here = if cut - third >= 16 { 16 + D1.len() } else { 16 };
                assert_eq!(needed, needed_here as u64);
                assert_eq!(got, (cut - third) as u64);
            }
            other => panic!("cut at {cut}: {other:?}"),
        }
    }
    // Cut exactly between records: a clean end.
    let (p, e) = read_bytes(&bytes[..third]);
    assert_eq!(p.len(), 2);
    assert!(e.is_none());
}

#[test]
fn pcap_impossible_caplen_is_corrupt() {
    // Past the first three records, which decide the variant.
    let recs = [(1, 0, 60, D1); 5];
    let mut bytes = pcap_file(ByteOrder::Big, 0xa1b2_c3d4, 1, &recs);
    let fourth = 24 + 3 * (16 + D1.len());
    bytes[fourth + 8..fourth + 12].copy_from_slice(&262_145u32.to_be_bytes());
    let (p, e) = read_bytes(&bytes);
    assert_eq!(p.len(), 3);
    match e {
        Some(ReadError::Corrupt {
            packet,
            offset,
            what,
        }) => {
            assert_eq!((packet, offset), (4, fourth as u64));
            assert!(what.contains("more than the maximum 262144"), "{what}");
        }
        other => panic!("{other:?}"),
    }
    // The same length is fine for a link type that allows it (D-Bus).
    let mut bytes = pcap_file(ByteOrder::Big, 0xa1b2_c3d4, 231, &recs);
    bytes[fourth + 8..fourth + 12].copy_from_slice(&262_145u32.to_be_bytes());
    let (p, e) = read_bytes(&bytes);
    assert_eq!(p.len(), 3);
    assert!(
        matches!(e, Some(ReadError::Truncated { packet: 4, .. })),
        "{e:?}"
    );
}

#[test]
fn pcap_old_versions_swap_the_lengths() {
    for (minor, swapped_in_file) in [(2u16, true), (3, true), (3, false), (4, false)] {
        let mut bytes = pcap_file(ByteOrder::Little, 0xa1b2_c3d4, 1, &[(1, 0, 1514, D1)]);
        bytes[6..8].copy_from_slice(&minor.to_le_bytes());
        if swapped_in_file {
            let (cap, orig) = (24 + 8, 24 + 12);
            let c: [u8; 4] = bytes[cap..cap + 4].try_into().unwrap();
            bytes.copy_within(orig..orig + 4, cap);
            bytes[orig..orig + 4].copy_from_slice(&c);
        }
        let (p, e) = read_bytes(&bytes);
        assert!(e.is_none(), "2.{minor}: {e:?}");
        assert_eq!((p[0].cap, p[0].orig), (D1.len() as u32, 1514), "2.{minor}");
    }
}

#[test]
fn pcap_red_hat_6_1_records_are_recognised() {
    // Standard magic, 24-byte records (patch SS990417).
    let mut v = pcap_file(ByteOrder::Little, 0xa1b2_c3d4, 1, &[]);
    for i in 0..4u32 {
        for w in [1_000_000_000 + i, 500, D1.len() as u32, 60, 3] {
            v.extend_from_slice(&w.to_le_bytes());
        }
        v.extend_from_slice(&[0x00, 0x08, 0, 0]);
        v.extend_from_slice(D1);
    }
    let r = FileReader::new(&v[..]).unwrap();
    assert!(matches!(
        r.format(),
        Format::Pcap {
            variant: PcapVariant::Ss990417,
            ..
        }
    ));
    let (p, e) = read_bytes(&v);
    assert!(e.is_none());
    assert_eq!(p.len(), 4);
    assert!(p.iter().all(|p| p.data == D1 && p.nanos == 500_000));
}

#[test]
fn pcap_fraction_of_a_second_or_more_is_carried() {
    let bytes = pcap_file(
        ByteOrder::Little,
        0xa1b2_c3d4,
        1,
        &[(10, 2_500_000, 60, D1)],
    );
    let (p, _) = read_bytes(&bytes);
    assert_eq!((p[0].secs, p[0].nanos), (12, 500_000_000));
}

// ---- garbage ----------------------------------------------------------

#[test]
fn not_a_capture() {
    for junk in [
        &b"GET / HTTP/1.1\r\n\r\n"[..],
        &[0u8; 100],
        b"\x1f\x8b\x08\x00gzip",
    ] {
        match FileReader::new(junk) {
            Err(ReadError::NotACapture { magic }) => assert_eq!(&magic[..], &junk[..4]),
            other => panic!("{other:?}"),
        }
    }
    let e = FileReader::new(&b"GET / HTTP/1.1"[..]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "not a pcap or pcapng file (first bytes: 0x47455420)"
    );
}

#[test]
fn short_headers_are_truncated_at_packet_0() {
    for (bytes, needed) in [
        (&b""[..], 4),
        (&b"\xd4\xc3"[..], 4),
        (&b"\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00"[..], 24),
        (&b"\x0a\x0d\x0d\x0a\x1c\x00\x00\x00"[..], 28),
    ] {
        match FileReader::new(bytes) {
            Err(ReadError::Truncated {
                packet: 0,
                offset: 0,
                needed: n,
                got,
            }) => {
                assert_eq!(n, needed);
                assert_eq!(got, bytes.len() as u64);
            }
            other => panic!("{bytes:?}: {other:?}"),
        }
    }
}

#[test]
fn io_errors_carry_the_offset() {
    struct Failing(Vec<u8>);
    impl Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0.is_empty() {
                return Err(io::Error::other("disk on fire"));
            }
            let n = self.0.len().min(buf.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0.drain(..n);
            Ok(n)
        }
    }
    // Nanosecond pcap: nothing is read ahead, the error comes with the
    // first packet.
    let bytes = pcap_file(ByteOrder::Little, 0xa1b2_3c4d, 1, &[(1, 0, 60, D1)]);
    let mut r = FileReader::new(Failing(bytes[..30].to_vec())).unwrap();
    match r.next_packet() {
        Err(ReadError::Io { offset, .. }) => assert_eq!(offset, 30),
        other => panic!("{other:?}"),
    }
    assert!(matches!(r.next_packet(), Ok(None)));
    // Standard pcap reads ahead to guess the variant: the error comes from
    // opening.
    let bytes = pcap_file(ByteOrder::Little, 0xa1b2_c3d4, 1, &[(1, 0, 60, D1)]);
    match FileReader::new(Failing(bytes[..30].to_vec())) {
        Err(ReadError::Io { offset, .. }) => assert_eq!(offset, 30),
        other => panic!("{other:?}"),
    }
}

// ---- pcapng -----------------------------------------------------------

/// Two sections, each of two interfaces with different resolutions and
/// offsets, in both byte orders; every packet block kind; blocks to skip.
fn two_sections() -> Vec<u8> {
    let le = ByteOrder::Little;
    let be = ByteOrder::Big;
    let mut f = vec![];
    f.extend(shb(le));
    f.extend(idb(le, 1, 0, None, None)); // µs, no offset
    f.extend(idb(le, 101, 96, Some(9), Some(100))); // ns, +100 s
    f.extend(epb(le, 0, 1_700_000_000_123_456, 1514, D1));
    f.extend(block(le, 4, b"name resolution")); // NRB
    f.extend(epb(le, 1, 1_700_000_000_987_654_321, 25, D2));
    f.extend(block(le, 5, &[0u8; 20])); // ISB
    f.extend(block(le, 0x0000_0bad, b"custom, copiable")); // custom
    f.extend(block(le, 0x4000_0bad, b"custom, not copiable"));
    f.extend(block(le, 0xdead_beef, b"")); // unknown type
    f.extend(spb(le, 300, D1)); // snaplen 0: cap = data
    f.extend(obsolete_pb(le, 1, 5_000_000_000, 25, D2));
    f.extend(shb(be));
    f.extend(idb(be, 113, 0, Some(0x80 | 20), Some(-5))); // 2^-20 s, -5 s
    f.extend(idb(be, 127, 0, Some(3), None)); // ms
    f.extend(epb(be, 1, 1_234_567, 60, D1));
    f.extend(epb(be, 0, (3 << 20) | (1 << 19), 60, D2));
    f.extend(spb(be, 10, D1)); // orig 10 < data: cap 10
    f
}

#[test]
fn pcapng_two_sections_two_interfaces_each() {
    let f = two_sections();
    let r = FileReader::new(&f[..]).unwrap();
    assert_eq!(
        r.format(),
        Format::PcapNg {
            byte_order: ByteOrder::Little
        }
    );
    let (p, e, end) = read_all(r);
    assert!(e.is_none(), "{e:?}");
    assert_eq!(end, f.len() as u64);
    let summary: Vec<_> = p
        .iter()
        .map(|p| (p.secs, p.nanos, p.cap, p.orig, p.link, p.iface))
        .collect();
    let d1 = D1.len() as u32;
    let d2 = D2.len() as u32;
    assert_eq!(
        summary,
        vec![
            (1_700_000_000, 123_456_000, d1, 1514, 1, 0),
            (1_700_000_100, 987_654_321, d2, 25, 101, 1),
            (0, 0, 12, 12, CUSTOM, 0),
            (0, 0, 16, 16, CUSTOM, 0),
            (0, 0, spb_cap(d1), 300, 1, 0),
            (105, 0, d2, 25, 101, 1),
            (1234, 567_000_000, d1, 60, 127, 3),
            (3 - 5, 500_000_000, d2, 60, 113, 2),
            (0, 0, 10, 10, 113, 2),
        ]
    );
    assert_eq!(p[0].data, D1);
    assert_eq!(p[1].data, D2);
    assert_eq!(p[2].data, b"om, copiable");
    assert_eq!(p[3].data, b"om, not copiable");
    assert_eq!(&p[4].data[..D1.len()], D1);
    assert_eq!(p[5].data, D2);
    assert_eq!(p[8].data, &D1[..10]);
    let timed: Vec<bool> = p.iter().map(|p| p.has_ts).collect();
    assert_eq!(
        timed,
        [true, true, false, false, false, true, true, true, false]
    );
    assert_eq!(read_bytes(&f).0, p);

    // Custom blocks can be skipped instead.
    let mut r = FileReader::new(&f[..]).unwrap();
    r.set_custom_blocks(false);
    let (q, e, _) = read_all(r);
    assert!(e.is_none());
    assert_eq!(q.len(), 7);
    assert!(q.iter().all(|p| p.link != CUSTOM));
}

const CUSTOM: u32 = crate::linktype::PCAPNG_CUSTOM_BLOCK;

/// A simple packet block's data is padded to 4; with no snaplen and an
/// original length beyond the data, the padding counts as captured (as the
/// block gives no other length).
fn spb_cap(d: u32) -> u32 {
    d.next_multiple_of(4)
}

#[test]
fn pcapng_interfaces_are_listed() {
    let f = two_sections();
    let mut r = FileReader::new(&f[..]).unwrap();
    assert_eq!(r.sections(), 1);
    assert_eq!(r.link_type(), None);
    r.next_packet().unwrap().unwrap();
    let ifs: Vec<_> = r.interfaces().cloned().collect();
    assert_eq!(ifs.len(), 2);
    assert_eq!(ifs[1].resolution, TsResolution::NANO);
    assert_eq!(ifs[1].ts_offset, 100);
    assert_eq!(ifs[1].snaplen, 96);
    assert_eq!(r.link_type(), Some(1));
    while r.next_packet().unwrap().is_some() {}
    assert_eq!(r.sections(), 2);
    assert_eq!(r.interface_base(), 2);
    assert_eq!(r.link_type(), Some(113));
}

#[test]
fn pcapng_cut_in_the_middle_of_a_block() {
    let f = two_sections();
    // Find where each record's block starts by reading.
    let mut r = FileReader::new(&f[..]).unwrap();
    let mut starts = vec![];
    let mut last = r.bytes_offset();
    while r.next_packet().unwrap().is_some() {
        starts.push(last);
        last = r.bytes_offset();
    }
    // starts[6] is the offset after the first section's last record: the
    // second section header starts there. Cut inside the first EPB after it.
    let p5 = starts[6] as usize;
    let epb5 = f.len()
        - (epb(ByteOrder::Big, 1, 0, 60, D1).len()
            + epb(ByteOrder::Big, 0, 0, 60, D2).len()
            + spb(ByteOrder::Big, 10, D1).len());
    assert!(epb5 > p5);
    for cut in [epb5 + 3, epb5 + 8, epb5 + 40] {
        let (p, e) = read_bytes(&f[..cut]);
        assert_eq!(p.len(), 6, "cut {cut}");
        match e {
            Some(ReadError::Truncated {
                packet,
                offset,
                needed,
                got,
            }) => {
                assert_eq!(packet, 7);
                assert_eq!(offset, epb5 as u64);
                let whole = epb(ByteOrder::Big, 1, 0, 60, D1).len() as u64;
                assert_eq!(needed, if cut - epb5 < 8 { 12 } else { whole });
                assert_eq!(got, (cut - epb5) as u64);
            }
            other => panic!("cut {cut}: {other:?}"),
        }
    }
    // Cut inside the second section header.
    let (p, e) = read_bytes(&f[..p5 + 10]);
    assert_eq!(p.len(), 6);
    assert!(
        matches!(e, Some(ReadError::Truncated { packet: 7, .. })),
        "{e:?}"
    );
}

fn corrupt_what(bytes: &[u8]) -> (usize, u64, u64, String) {
    let (p, e) = read_bytes(bytes);
    match e {
        Some(ReadError::Corrupt {
            packet,
            offset,
            what,
        }) => (p.len(), packet, offset, what),
        other => panic!("{other:?}"),
    }
}

#[test]
fn pcapng_corrupt_blocks() {
    let le = ByteOrder::Little;
    let head = [shb(le), idb(le, 1, 0, None, None)].concat();
    let at = head.len() as u64;
    let good = epb(le, 0, 0, 60, D1);

    // Block length not a multiple of 4.
    let mut f = [head.clone(), good.clone(), good.clone()].concat();
    let second = head.len() + good.len();
    f[second + 4] += 1;
    let (n, packet, offset, what) = corrupt_what(&f);
    assert_eq!((n, packet, offset), (1, 2, (second) as u64));
    assert!(what.contains("multiple of 4"), "{what}");

    // Block length below 12.
    let mut f = [head.clone(), good.clone()].concat();
    f[head.len() + 4..head.len() + 8].copy_from_slice(&8u32.to_le_bytes());
    let (n, _, offset, what) = corrupt_what(&f);
    assert_eq!((n, offset), (0, at));
    assert!(what.contains("less than"), "{what}");

    // Trailing length differs.
    let mut f = [head.clone(), good.clone()].concat();
    let l = f.len();
    f[l - 4] ^= 0x10;
    let (_, _, _, what) = corrupt_what(&f);
    assert!(what.contains("trailing"), "{what}");

    // Packet refers to a missing interface.
    let f = [head.clone(), epb(le, 3, 0, 60, D1)].concat();
    let (_, packet, offset, what) = corrupt_what(&f);
    assert_eq!((packet, offset), (1, at));
    assert!(what.contains("interface 3"), "{what}");

    // Simple packet block with no interface at all.
    let f = [shb(le), spb(le, 60, D1)].concat();
    let (_, _, _, what) = corrupt_what(&f);
    assert!(what.contains("interface 0"), "{what}");

    // Captured length beyond the block.
    let mut f = [head.clone(), good.clone()].concat();
    f[head.len() + 20..head.len() + 24].copy_from_slice(&1000u32.to_le_bytes());
    let (_, _, _, what) = corrupt_what(&f);
    assert!(what.contains("room for"), "{what}");

    // Unknown version in a later section.
    let mut s2 = shb(ByteOrder::Big);
    s2[12..14].copy_from_slice(&2u16.to_be_bytes());
    let f = [head.clone(), good.clone(), s2].concat();
    let (n, packet, _, what) = corrupt_what(&f);
    assert_eq!((n, packet), (1, 2));
    assert!(what.contains("unknown pcapng version 2.0"), "{what}");

    // Bad byte-order magic.
    let mut s2 = shb(le);
    s2[8] = 0;
    let f = [head.clone(), s2].concat();
    let (_, _, _, what) = corrupt_what(&f);
    assert!(what.contains("byte-order magic"), "{what}");

    // Unknown version in the first section: an error from `new`.
    let mut s1 = shb(le);
    s1[12] = 9;
    match FileReader::new(&s1[..]) {
        Err(ReadError::Corrupt {
            packet: 0,
            offset: 0,
            what,
        }) => {
            assert!(what.contains("9.0"), "{what}")
        }
        other => panic!("{other:?}"),
    }

    // A huge block length is corrupt, not an allocation.
    let mut f = [head.clone(), good.clone()].concat();
    f[head.len() + 4..head.len() + 8].copy_from_slice(&0xffff_fff0u32.to_le_bytes());
    let (_, _, _, what) = corrupt_what(&f);
    assert!(what.contains("exceeds"), "{what}");
}

#[test]
fn pcapng_version_1_2_is_accepted() {
    let le = ByteOrder::Little;
    let mut s = shb(le);
    s[14] = 2;
    let f = [s, idb(le, 1, 0, None, None), epb(le, 0, 0, 60, D1)].concat();
    let (p, e) = read_bytes(&f);
    assert_eq!(p.len(), 1);
    assert!(e.is_none());
}

#[test]
fn pcapng_claimed_length_beyond_a_short_file_is_truncated() {
    let le = ByteOrder::Little;
    let head = [shb(le), idb(le, 1, 0, None, None)].concat();
    let mut f = [head.clone(), epb(le, 0, 0, 60, D1)].concat();
    f[head.len() + 4..head.len() + 8].copy_from_slice(&(100u32 << 20).to_le_bytes());
    let r = FileReader::with_buffer_len(&f[..], 64).unwrap();
    let (p, e, _) = read_all(r);
    assert!(p.is_empty());
    assert!(
        matches!(e, Some(ReadError::Truncated { packet: 1, needed, .. }) if needed == 100 << 20),
        "{e:?}"
    );
}

// ---- robustness -------------------------------------------------------

/// Every prefix and every single-byte change of small valid files reads
/// without panicking, and never yields more packets than the file holds.
#[test]
fn damaged_files_never_panic() {
    let pcap = pcap_file(
        ByteOrder::Big,
        0xa1b2_cd34,
        1,
        &[(1, 0, 100, D1), (2, 999_999, 30, D2)],
    );
    for f in [two_sections(), pcap] {
        for cut in 0..f.len() {
            if let Ok(r) = FileReader::with_buffer_len(&f[..cut], 64) {
                let (p, _, _) = read_all(r);
                assert!(p.len() <= 9);
            }
        }
        for i in 0..f.len() {
            for x in [0x00, 0xff, 0x80, 0x01] {
                let mut g = f.clone();
                g[i] ^= x;
                if let Ok(r) = FileReader::with_buffer_len(&g[..], 64) {
                    let (p, _, _) = read_all(r);
                    assert!(p.len() <= 9);
                }
            }
        }
    }
}

/// Random bytes behind every magic number (a cheap, deterministic fuzz):
/// no panic, every packet's invariants hold, reading always ends.
#[test]
fn random_bytes_behind_every_magic() {
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let magics: [&[u8]; 7] = [
        &crate::pcap::MAGIC_US_LE,
        &crate::pcap::MAGIC_US_BE,
        &crate::pcap::MAGIC_NS_LE,
        &crate::pcap::MAGIC_MOD_BE,
        b"\x0a\x0d\x0d\x0a\x1c\x00\x00\x00\x4d\x3c\x2b\x1a\x01\x00\x00\x00",
        b"\x0a\x0d\x0d\x0a\x00\x00\x00\x1c\x1a\x2b\x3c\x4d\x00\x01\x00\x00",
        b"",
    ];
    for round in 0..3000 {
        let magic = magics[round % magics.len()];
        let len = (next() % 400) as usize;
        let mut f = magic.to_vec();
        f.extend((0..len).map(|_| {
            // Mostly small numbers, so that lengths are often plausible.
            let x = next();
            if x % 3 == 0 {
                (x >> 8) as u8
            } else {
                (x >> 8) as u8 & 0x1f
            }
        }));
        let read = match FileReader::with_buffer_len(Trickle(&f, 1 + round % 50), 64) {
            Ok(r) => {
                let (p, e, end) = read_all(r);
                assert!(end <= f.len() as u64);
                assert!(p.len() <= f.len() / 12 + 1);
                (p, e)
            }
            Err(e) => (vec![], Some(e)),
        };
        // The same bytes mapped from a file, in small windows, read alike.
        let mapped = read_file(&f, Some(64 + round % 100));
        assert_eq!(read.0, mapped.0, "round {round}");
        assert_eq!(format!("{:?}", read.1), format!("{:?}", mapped.1));
    }
}

/// A mapped file that another program shortens while it is read: touching
/// the bytes gone raises SIGBUS, which the reader reports (a message, exit
/// status 2) instead of the process dying unexplained. The test runs itself
/// as a child process that does the shortening.
#[cfg(target_os = "linux")]
#[test]
fn a_file_shortened_while_mapped_is_reported() {
    const CHILD: &str = "WIRESIFT_TEST_SHORTEN";
    if let Some(path) = std::env::var_os(CHILD) {
        let mut r = FileReader::open(&path).unwrap();
        assert!(r.is_mapped());
        // Into the file's second page, then cut it to its header.
        while r.bytes_offset() < 5000 {
            assert!(r.next_packet().unwrap().is_some());
        }
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(24)
            .unwrap();
        // Only SIGBUS stops this: the parent sees status 0 otherwise.
        while let Ok(Some(_)) = r.next_packet() {}
        return;
    }
    let data = [0x5au8; 200];
    let recs: Vec<(u32, u32, u32, &[u8])> = (0..100).map(|i| (i, 0, 200, &data[..])).collect();
    let f = TempFile::new(&pcap_file(ByteOrder::Little, 0xa1b2_c3d4, 1, &recs));
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "reader::tests::a_file_shortened_while_mapped_is_reported",
            "--test-threads=1",
            "--nocapture",
        ])
        .env(CHILD, &f.0)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "child stderr: {err}");
    assert!(err.contains("shortened while it was being read"), "{err}");
}

// ---- parts ------------------------------------------------------------

/// A pcap file of `n` records of 40 to 1,500 bytes (lengths and bytes from
/// a fixed sequence), and the offset of each record.
#[cfg(target_os = "linux")]
fn records_file(n: usize) -> (Vec<u8>, Vec<u64>) {
    let mut x: u32 = 7;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        x
    };
    let datas: Vec<Vec<u8>> = (0..n)
        .map(|_| {
            let len = 40 + next() as usize % 1461;
            (0..len).map(|_| next() as u8).collect()
        })
        .collect();
    let recs: Vec<(u32, u32, u32, &[u8])> = datas
        .iter()
        .enumerate()
        .map(|(i, d)| (1_700_000_000 + i as u32, 0, d.len() as u32, d.as_slice()))
        .collect();
    let mut at = pcap::FILE_HEADER_LEN as u64;
    let offsets = datas
        .iter()
        .map(|d| {
            let o = at;
            at += 16 + d.len() as u64;
            o
        })
        .collect();
    (pcap_file(ByteOrder::Little, 0xa1b2_c3d4, 1, &recs), offsets)
}

/// Reads part after part as the parallel reader does: each from its start
/// until the next part's start. Whether each landed on the next start, and
/// the packets read.
#[cfg(target_os = "linux")]
fn read_parts(path: &Path, parts: &Parts) -> (Vec<bool>, Vec<Owned>) {
    let mut landed = vec![];
    let mut all = vec![];
    let starts: Vec<Option<u64>> = std::iter::once(None)
        .chain(parts.starts.iter().copied().map(Some))
        .collect();
    for (i, start) in starts.iter().enumerate() {
        let mut r = FileReader::open(path).unwrap();
        if let Some(s) = start {
            assert!(r.resume_at(*s));
        }
        let stop = parts.starts.get(i).copied().unwrap_or(u64::MAX);
        while r.bytes_offset() < stop {
            match r.next_packet() {
                Ok(Some(p)) => all.push(Owned::of(&p)),
                // (A part read from a wrong start may find anything.)
                Ok(None) | Err(_) => break,
            }
        }
        landed.push(r.bytes_offset() == stop || stop == u64::MAX);
    }
    (landed, all)
}

#[cfg(target_os = "linux")]
#[test]
fn parts_start_on_records_and_read_as_the_whole_file() {
    let (bytes, offsets) = records_file(3000);
    let f = TempFile::new(&bytes);
    let whole = read_all(FileReader::open(&f.0).unwrap()).0;
    for n in [2, 3, 7] {
        let parts = FileReader::open(&f.0).unwrap().parts(n, 1024).unwrap();
        assert_eq!(parts.starts.len(), n - 1);
        assert_eq!(parts.first_time, (1_700_000_000, 0));
        for s in &parts.starts {
            let i = offsets.binary_search(s).expect("a start is a record's");
            assert!(parts.records_before_at_most(*s) >= i as u64);
        }
        let (landed, read) = read_parts(&f.0, &parts);
        assert!(landed.iter().all(|&l| l));
        assert_eq!(read, whole, "{n} parts");
    }
    // Parts no shorter than asked: a file this size is not cut in two.
    assert!(FileReader::open(&f.0)
        .unwrap()
        .parts(2, bytes.len() as u64)
        .is_none());
}

/// Bytes inside a record that look like records: the start found there is
/// wrong, and the reader of the part before does not land on it.
#[cfg(target_os = "linux")]
#[test]
fn a_start_inside_a_record_is_not_landed_on() {
    let mut fake = vec![];
    for i in 0..10u32 {
        fake.extend_from_slice(&(1_700_000_500 + i).to_le_bytes());
        fake.extend_from_slice(&0u32.to_le_bytes());
        fake.extend_from_slice(&20u32.to_le_bytes());
        fake.extend_from_slice(&20u32.to_le_bytes());
        fake.extend_from_slice(&[0x55; 20]);
    }
    // One big record full of fake ones, between two ordinary ones: the
    // cut in two falls inside it.
    let mut big = vec![0xee; 3];
    while big.len() < 4000 {
        big.extend_from_slice(&fake);
    }
    let small = [0x11u8; 60];
    let recs: Vec<(u32, u32, u32, &[u8])> = vec![
        (1_700_000_000, 0, 60, &small),
        (1_700_000_001, 0, big.len() as u32, &big),
        (1_700_000_002, 0, 60, &small),
    ];
    let bytes = pcap_file(ByteOrder::Little, 0xa1b2_c3d4, 1, &recs);
    let f = TempFile::new(&bytes);
    let parts = FileReader::open(&f.0).unwrap().parts(2, 64).unwrap();
    let (first, last) = (24 + 16 + 60, 24 + 2 * 16 + 60 + big.len() as u64);
    assert!(parts.starts[0] > first && parts.starts[0] < last);
    let (landed, _) = read_parts(&f.0, &parts);
    assert_eq!(landed, vec![false, true]);
}

#[cfg(target_os = "linux")]
#[test]
fn pcapng_is_not_cut() {
    let o = ByteOrder::Little;
    let mut bytes = shb(o);
    bytes.extend(idb(o, 1, 0, None, None));
    for i in 0..2000 {
        bytes.extend(epb(o, 0, i, 60, &[0u8; 60]));
    }
    let f = TempFile::new(&bytes);
    assert!(FileReader::open(&f.0).unwrap().parts(2, 64).is_none());
}

#[test]
fn errors_of_a_later_part_are_numbered_from_the_file_start() {
    let e = ReadError::Truncated {
        packet: 3,
        offset: 900,
        needed: 76,
        got: 10,
    }
    .after(1000);
    assert!(matches!(e, ReadError::Truncated { packet: 1003, .. }));
}

/// No offset a few bytes after a record's start passes for one: the
/// 4-bytes-late reading of records whose two lengths are equal would chain.
#[test]
fn a_run_of_records_read_late_is_no_start() {
    let (bytes, offsets) = records_file(200);
    let h = FileReader::new(&bytes[..]).unwrap().pcap.unwrap();
    for &s in &offsets[..150] {
        let rest = |d: u64| &bytes[(s + d) as usize..];
        assert_eq!(pcap::plausible_records(rest(0), &h, 8, false), Some(true));
        for d in 1..64 {
            if !offsets.contains(&(s + d)) {
                assert_ne!(
                    pcap::plausible_records(rest(d), &h, 8, false),
                    Some(true),
                    "{d} bytes after the record at {s}"
                );
            }
        }
    }
}
