//! The capture summary, as capinfos gives it: packets, bytes, first and
//! last time, duration, rates, average size, link types.

use serde::Serialize;
use wiresift_wire::frame::FrameMeta;

/// Distinct link types listed; more are counted together.
const MAX_LINK_TYPES: usize = 64;

#[derive(Clone, Debug, Default)]
pub struct Summary {
    packets: u64,
    /// Sum of the lengths on the wire (capinfos' "data size").
    bytes: u64,
    /// Sum of the captured lengths.
    captured: u64,
    min_len: Option<u32>,
    max_len: u32,
    /// Earliest and latest timestamp (seconds, nanoseconds).
    first: Option<(i64, u32)>,
    last: Option<(i64, u32)>,
    /// Some timestamp has a fraction finer than a microsecond.
    sub_micro: bool,
    /// Records with no time of their own.
    timeless: u64,
    /// Packets per link type, in order of first appearance.
    link_types: Vec<(u32, u64, u64)>,
    other_link_types: u64,
}

impl Summary {
    #[inline]
    pub fn add(&mut self, m: &FrameMeta) {
        self.packets = self.packets.saturating_add(1);
        self.bytes = self.bytes.saturating_add(u64::from(m.len));
        self.captured = self.captured.saturating_add(u64::from(m.cap_len));
        self.min_len = Some(self.min_len.map_or(m.len, |l| l.min(m.len)));
        self.max_len = self.max_len.max(m.len);
        if m.has_time {
            let t = (m.ts_secs, m.ts_nanos);
            if self.first.is_none_or(|f| t < f) {
                self.first = Some(t);
            }
            if self.last.is_none_or(|l| t > l) {
                self.last = Some(t);
            }
            self.sub_micro |= m.ts_nanos % 1000 != 0;
        } else {
            self.timeless = self.timeless.saturating_add(1);
        }
        self.link_type(m.link_type, 1, m.number);
    }

    #[inline]
    fn link_type(&mut self, lt: u32, n: u64, first: u64) {
        // Nearly always the one link type of the file.
        if let Some(e) = self.link_types.first_mut().filter(|e| e.0 == lt) {
            e.1 = e.1.saturating_add(n);
            e.2 = e.2.min(first);
            return;
        }
        if let Some(e) = self.link_types.iter_mut().find(|e| e.0 == lt) {
            e.1 = e.1.saturating_add(n);
            e.2 = e.2.min(first);
        } else if self.link_types.len() < MAX_LINK_TYPES {
            self.link_types.push((lt, n, first));
        } else {
            self.other_link_types = self.other_link_types.saturating_add(n);
        }
    }

    pub fn merge(&mut self, o: &Summary) {
        self.packets = self.packets.saturating_add(o.packets);
        self.bytes = self.bytes.saturating_add(o.bytes);
        self.captured = self.captured.saturating_add(o.captured);
        self.min_len = match (self.min_len, o.min_len) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.max_len = self.max_len.max(o.max_len);
        self.first = match (self.first, o.first) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.last = match (self.last, o.last) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        self.sub_micro |= o.sub_micro;
        self.timeless = self.timeless.saturating_add(o.timeless);
        for &(lt, n, first) in &o.link_types {
            self.link_type(lt, n, first);
        }
        self.other_link_types = self.other_link_types.saturating_add(o.other_link_types);
    }

    pub fn report(&self) -> SummaryReport {
        let mut lts = self.link_types.clone();
        lts.sort_by_key(|e| e.2);
        let duration_ns = match (self.first, self.last) {
            (Some(f), Some(l)) => ns(l).saturating_sub(ns(f)).max(0) as u64,
            _ => 0,
        };
        let secs = duration_ns as f64 / 1e9;
        let rate = |x: u64| (duration_ns > 0).then(|| x as f64 / secs);
        SummaryReport {
            packets: self.packets,
            bytes: self.bytes,
            captured_bytes: self.captured,
            first_time: self.first.map(|t| time_text(t, self.sub_micro)),
            last_time: self.last.map(|t| time_text(t, self.sub_micro)),
            first_epoch: self.first.map(epoch),
            last_epoch: self.last.map(epoch),
            duration: secs,
            time_digits: if self.sub_micro { 9 } else { 6 },
            byte_rate: rate(self.bytes),
            bit_rate: rate(self.bytes.saturating_mul(8)),
            packet_rate: rate(self.packets),
            average_size: (self.packets > 0).then(|| self.bytes as f64 / self.packets as f64),
            min_size: self.min_len,
            max_size: (self.packets > 0).then_some(self.max_len),
            timeless_packets: self.timeless,
            link_types: lts
                .iter()
                .map(|&(lt, n, _)| LinkTypeCount {
                    link_type: lt,
                    name: link_type_name(lt),
                    packets: n,
                })
                .collect(),
            other_link_types: self.other_link_types,
            file: None,
            packets_read: None,
        }
    }
}

fn ns(t: (i64, u32)) -> i64 {
    t.0.saturating_mul(1_000_000_000)
        .saturating_add(i64::from(t.1))
}

fn epoch(t: (i64, u32)) -> f64 {
    t.0 as f64 + f64::from(t.1) / 1e9
}

/// `YYYY-MM-DD hh:mm:ss.ffffff` in UTC (nine digits if some time needs them).
pub fn time_text(t: (i64, u32), nanos: bool) -> String {
    let (secs, frac) = t;
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let mut s = format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        sod / 3600,
        sod / 60 % 60,
        sod % 60
    );
    if nanos {
        s.push_str(&format!(".{frac:09}"));
    } else {
        s.push_str(&format!(".{:06}", frac / 1000));
    }
    s
}

/// Proleptic Gregorian date of a day count from 1970-01-01 (Howard
/// Hinnant's `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The name capinfos gives a link type (its "encapsulation").
pub fn link_type_name(lt: u32) -> &'static str {
    match lt {
        0 => "BSD loopback",
        1 => "Ethernet",
        6 => "Token Ring",
        7 | 129 => "ARCNET",
        9 => "PPP",
        10 => "FDDI",
        12 | 14 | 101 => "Raw IP",
        50 => "PPP in HDLC-like framing",
        104 => "Cisco HDLC",
        105 => "IEEE 802.11 Wireless LAN",
        107 => "Frame Relay",
        108 => "OpenBSD loopback",
        113 => "Linux cooked-mode capture v1",
        119 => "IEEE 802.11 plus Prism II monitor mode radio header",
        123 => "SunATM",
        127 => "IEEE 802.11 plus radiotap radio header",
        192 => "Per-Packet Information header",
        226 => "Solaris IPNET",
        227 => "SocketCAN",
        228 => "Raw IPv4",
        229 => "Raw IPv6",
        239 => "NFLOG",
        276 => "Linux cooked-mode capture v2",
        0x0001_0bad => "pcapng custom block",
        _ => "unknown",
    }
}

/// Packets of one link type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LinkTypeCount {
    pub link_type: u32,
    pub name: &'static str,
    pub packets: u64,
}

/// What the reader knows of the file (the engine sees only packets; the
/// command fills this in).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FileInfo {
    pub name: String,
    /// `pcap` or `pcapng`, with the timestamp resolution where known.
    pub format: String,
    /// Bytes, when the input is a file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// Snapshot length from the file header, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snaplen: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SummaryReport {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<FileInfo>,
    /// Packets read from the input, when filters kept fewer than that.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub packets_read: Option<u64>,
    pub packets: u64,
    /// Sum of the lengths on the wire (capinfos' "data size").
    pub bytes: u64,
    /// Sum of the lengths captured.
    pub captured_bytes: u64,
    /// Earliest and latest packet time, UTC.
    pub first_time: Option<String>,
    pub last_time: Option<String>,
    pub first_epoch: Option<f64>,
    pub last_epoch: Option<f64>,
    /// Seconds from the earliest to the latest packet.
    pub duration: f64,
    /// Digits of the fraction of a second the times need: 6, or 9 when
    /// some packet time is finer than a microsecond.
    pub time_digits: u32,
    /// Bytes, bits and packets a second (none for a zero duration).
    pub byte_rate: Option<f64>,
    pub bit_rate: Option<f64>,
    pub packet_rate: Option<f64>,
    pub average_size: Option<f64>,
    pub min_size: Option<u32>,
    pub max_size: Option<u32>,
    /// Records that carried no time.
    pub timeless_packets: u64,
    pub link_types: Vec<LinkTypeCount>,
    /// Packets of link types past the first 64 kinds.
    pub other_link_types: u64,
}
