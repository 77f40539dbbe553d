//! Control And Provisioning of Wireless Access Points (RFC 5415), the
//! tunnel between wireless access points (WTPs) and their controller (AC):
//! UDP port 5246 for the control channel, 5247 for the data channel.
//!
//! Every message starts with a preamble byte (version, type). Type 1 means
//! a DTLS record follows after three reserved bytes. Type 0 is the CAPWAP
//! header: a 24-bit word of header length (HLEN, in 4-byte words), radio
//! id, wireless binding id (WBID; 1 is IEEE 802.11) and the T (native frame
//! format), F (fragment), L (last fragment), W (wireless specific
//! information present), M (radio MAC address present) and K (keep-alive)
//! flags; a fragment id and offset; then the optional radio MAC address and
//! wireless specific information, each a length byte, the data and padding
//! to a 4-byte boundary. The payload starts at HLEN * 4.
//!
//! On the data channel the payload is a frame: an 802.3 frame when T is 0,
//! a native frame of the wireless binding when T is 1 (802.11 for WBID 1,
//! with its frame control bytes swapped, as tshark's default "swap frame
//! control" preference assumes; see [`CapwapView::wlan_fc_swapped`]). On
//! the control channel a control header follows; this view reads it but
//! not the message elements.

use crate::bytes::{array, be16, be24, be32, clamp, u8_at};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use crate::next::NextLayer;
use std::ops::Range;

/// Byte ranges of the fixed header's fields.
mod at {
    use std::ops::Range;
    pub const PREAMBLE: Range<usize> = 0..1;
    /// HLEN, RID, WBID and the flags (24 bits); DTLS: reserved.
    pub const WORD: Range<usize> = 1..4;
    pub const FRAG_ID: Range<usize> = 4..6;
    pub const FRAG_OFFSET: Range<usize> = 6..8;
    pub const HEADER_LEN: usize = 8;
    pub const DTLS_HEADER_LEN: usize = 4;
    /// The control header after the CAPWAP header (control channel).
    pub const CONTROL_LEN: usize = 8;
}

/// The UDP port of the control channel.
pub const PORT_CONTROL: u16 = 5246;
/// The UDP port of the data channel.
pub const PORT_DATA: u16 = 5247;

/// Wireless binding ids.
pub mod wbid {
    pub const IEEE80211: u8 = 1;
    pub const EPCGLOBAL: u8 = 3;
}

/// Bits of the 24-bit header word.
pub mod flag {
    pub const HLEN: u32 = 0xf8_0000;
    pub const RID: u32 = 0x07_c000;
    pub const WBID: u32 = 0x00_3e00;
    pub const T: u32 = 0x100;
    pub const F: u32 = 0x80;
    pub const L: u32 = 0x40;
    pub const W: u32 = 0x20;
    pub const M: u32 = 0x10;
    pub const K: u32 = 0x08;
    pub const RESERVED: u32 = 0x07;
    /// All the flags (what tshark calls `capwap.header.flags`).
    pub const ALL: u32 = 0x1ff;
}

field_table! {
    PreambleVersion: "capwap.preamble.version", "Version", Kind::Dec;
    PreambleType: "capwap.preamble.type", "Type", Kind::Dec;
    PreambleReserved: "capwap.preamble.reserved", "Reserved", Kind::Dec;
    HeaderLength: "capwap.header.length", "Header Length", Kind::Dec;
    Rid: "capwap.header.rid", "Radio ID", Kind::Dec;
    Wbid: "capwap.header.wbid", "Wireless Binding ID", Kind::Dec;
    Flags: "capwap.header.flags", "Header Flags", Kind::Hex(6);
    FlagsT: "capwap.header.flags.t", "Payload Type", Kind::Bool;
    FlagsF: "capwap.header.flags.f", "Fragment", Kind::Bool;
    FlagsL: "capwap.header.flags.l", "Last Fragment", Kind::Bool;
    FlagsW: "capwap.header.flags.w", "Wireless header", Kind::Bool;
    FlagsM: "capwap.header.flags.m", "Radio MAC header", Kind::Bool;
    FlagsK: "capwap.header.flags.k", "Keep-Alive", Kind::Bool;
    FlagsR: "capwap.header.flags.r", "Reserved", Kind::Hex(6);
    FragmentId: "capwap.header.fragment.id", "Fragment ID", Kind::Dec;
    FragmentOffset: "capwap.header.fragment.offset", "Fragment Offset", Kind::Dec;
    FragmentReserved: "capwap.header.fragment.reserved", "Reserved", Kind::Dec;
    MacLength: "capwap.header.mac.length", "MAC length", Kind::Dec;
    MacEui48: "capwap.header.mac.eui48", "MAC address", Kind::Ether;
    MacData: "capwap.header.mac.data", "MAC address", Kind::Bytes;
    WirelessLength: "capwap.header.wireless.length", "Wireless length", Kind::Dec;
    WirelessData: "capwap.header.wireless.data", "Wireless data", Kind::Bytes;
    Fi: "capwap.header.wireless.data.ieee80211.fi", "Wireless data ieee80211 Frame Info", Kind::Bytes;
    FiRssi: "capwap.header.wireless.data.ieee80211.fi.rssi", "Wireless data ieee80211 RSSI (dBm)", Kind::Signed;
    FiSnr: "capwap.header.wireless.data.ieee80211.fi.snr", "Wireless data ieee80211 SNR (dB)", Kind::Dec;
    FiDataRate: "capwap.header.wireless.data.ieee80211.fi.data_rate", "Wireless data ieee80211 Data Rate (Mbps)", Kind::Dec;
    Dw: "capwap.header.wireless.data.ieee80211.dw", "Wireless data ieee80211 Destination WLANs", Kind::Bytes;
    DwWlanIdBitmap: "capwap.header.wireless.data.ieee80211.dw.wlan_id_bitmap", "Wireless data ieee80211 Destination Wlan Id bitmap", Kind::Dec;
    DwReserved: "capwap.header.wireless.data.ieee80211.dw.reserved", "Wireless data ieee80211 Destination Wlan reserved", Kind::Dec;
    Padding: "capwap.header.padding", "Padding for 4 Byte Alignment", Kind::Bytes;
    ControlMessageType: "capwap.control.header.message_type", "Message Type", Kind::Dec;
    ControlSequenceNumber: "capwap.control.header.sequence_number", "Sequence Number", Kind::Dec;
    ControlMessageElementLength: "capwap.control.header.message_element_length", "Message Element Length", Kind::Dec;
    ControlFlags: "capwap.control.header.flags", "Flags", Kind::Dec;
}

/// Where the optional parts of the header lie (offsets may run past the
/// end of a truncated message; every read is still checked).
#[derive(Clone, Copy, Debug, Default)]
struct Layout {
    /// Offset of the radio MAC length byte.
    mac: Option<usize>,
    mac_pad: Option<(usize, usize)>,
    /// Offset of the wireless specific information length byte.
    wireless: Option<usize>,
    wireless_pad: Option<(usize, usize)>,
}

/// A view over a CAPWAP message.
#[derive(Clone, Copy, Debug)]
pub struct CapwapView<'a> {
    bytes: &'a [u8],
    control: bool,
    /// Sent towards the AC's data port (the wireless information then holds
    /// frame info; the other way, destination WLANs).
    to_ac: bool,
    lay: Layout,
}

impl<'a> CapwapView<'a> {
    /// A view over a data channel message sent to the AC (UDP destination
    /// port 5247). The bytes must hold the 8-byte header (4 for DTLS).
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        Self::make(bytes, false, true)
    }

    /// A view over a control channel message (UDP port 5246).
    pub fn new_control(bytes: &'a [u8]) -> Result<Self, Error> {
        Self::make(bytes, true, true)
    }

    /// A view over a message in a UDP datagram between these ports: the
    /// control channel when either is 5246, else the data channel, with the
    /// direction (which decides how tshark reads the 802.11 wireless
    /// information) from whether `dst_port` is 5247.
    pub fn for_udp(bytes: &'a [u8], src_port: u16, dst_port: u16) -> Result<Self, Error> {
        let control = src_port == PORT_CONTROL || dst_port == PORT_CONTROL;
        Self::make(bytes, control, dst_port == PORT_DATA)
    }

    /// Whether a UDP datagram between these ports is CAPWAP (either port
    /// 5246 or 5247).
    pub fn is_capwap_port(src_port: u16, dst_port: u16) -> bool {
        [src_port, dst_port]
            .iter()
            .any(|&p| p == PORT_CONTROL || p == PORT_DATA)
    }

    fn make(bytes: &'a [u8], control: bool, to_ac: bool) -> Result<Self, Error> {
        need(bytes, 1)?;
        let dtls = u8_at(bytes, 0).unwrap_or(0) & 0x0f == 1;
        need(
            bytes,
            if dtls {
                at::DTLS_HEADER_LEN
            } else {
                at::HEADER_LEN
            },
        )?;
        let mut v = CapwapView {
            bytes,
            control,
            to_ac,
            lay: Layout::default(),
        };
        if !dtls {
            v.lay = v.layout();
        }
        Ok(v)
    }

    fn layout(&self) -> Layout {
        let word = self.word();
        let mut lay = Layout::default();
        let mut off = at::HEADER_LEN;
        let pad = |off: &mut usize| -> Option<(usize, usize)> {
            let align = 4 - *off % 4;
            if align == 4 {
                return None;
            }
            let p = (*off, align);
            *off += align;
            Some(p)
        };
        if word & flag::M != 0 {
            lay.mac = Some(off);
            let n = usize::from(u8_at(self.bytes, off).unwrap_or(0));
            off = off + 1 + n;
            lay.mac_pad = pad(&mut off);
        }
        if word & flag::W != 0 {
            lay.wireless = Some(off);
            let n = usize::from(u8_at(self.bytes, off).unwrap_or(0));
            off = off + 1 + n;
            lay.wireless_pad = pad(&mut off);
        }
        lay
    }

    /// Whether this is a control channel message.
    pub fn is_control(&self) -> bool {
        self.control
    }

    pub fn preamble(&self) -> u8 {
        u8_at(self.bytes, at::PREAMBLE.start).unwrap_or(0)
    }

    pub fn version(&self) -> u8 {
        self.preamble() >> 4
    }

    /// The preamble type: 0 a CAPWAP header, 1 a DTLS record.
    pub fn preamble_type(&self) -> u8 {
        self.preamble() & 0x0f
    }

    /// Whether a DTLS record follows the preamble.
    pub fn is_dtls(&self) -> bool {
        self.preamble_type() == 1
    }

    /// The 24 bits after the preamble (HLEN, RID, WBID, flags).
    pub fn word(&self) -> u32 {
        be24(self.bytes, at::WORD.start).unwrap_or(0)
    }

    /// HLEN: the header length in 4-byte words.
    pub fn hlen(&self) -> u8 {
        ((self.word() & flag::HLEN) >> 19) as u8
    }

    /// The radio id.
    pub fn rid(&self) -> u8 {
        ((self.word() & flag::RID) >> 14) as u8
    }

    /// The wireless binding id (see [`wbid`]).
    pub fn wbid(&self) -> u8 {
        ((self.word() & flag::WBID) >> 9) as u8
    }

    /// The nine flag bits T, F, L, W, M, K and three reserved.
    pub fn flags(&self) -> u16 {
        (self.word() & flag::ALL) as u16
    }

    fn has(&self, f: u32) -> bool {
        !self.is_dtls() && self.word() & f != 0
    }

    /// T: the payload is in the wireless binding's native format.
    pub fn native_frame(&self) -> bool {
        self.has(flag::T)
    }

    /// F: the message is a fragment.
    pub fn is_fragment(&self) -> bool {
        self.has(flag::F)
    }

    /// L: the last fragment.
    pub fn is_last_fragment(&self) -> bool {
        self.has(flag::L)
    }

    /// K: a data channel keep-alive.
    pub fn is_keep_alive(&self) -> bool {
        self.has(flag::K)
    }

    pub fn fragment_id(&self) -> u16 {
        be16(self.bytes, at::FRAG_ID.start).unwrap_or(0)
    }

    /// The fragment offset in 8-byte units (13 bits).
    pub fn fragment_offset(&self) -> u16 {
        be16(self.bytes, at::FRAG_OFFSET.start).unwrap_or(0) >> 3
    }

    /// The radio MAC address field (M flag), without its length byte.
    pub fn radio_mac(&self) -> Option<&'a [u8]> {
        let off = self.lay.mac?;
        let n = usize::from(u8_at(self.bytes, off)?);
        Some(clamp(self.bytes, off + 1, n))
    }

    /// The wireless specific information (W flag), without its length byte.
    pub fn wireless_info(&self) -> Option<&'a [u8]> {
        let off = self.lay.wireless?;
        let n = usize::from(u8_at(self.bytes, off)?);
        Some(clamp(self.bytes, off + 1, n))
    }

    /// Whether tshark would dissect an 802.11 payload with its frame
    /// control bytes swapped: its `capwap.swap_fc` preference, on by default.
    pub fn wlan_fc_swapped(&self) -> bool {
        true
    }

    /// The length of the CAPWAP header (HLEN * 4, at least the fixed 8
    /// bytes; 4 for DTLS), plus the control header on the control channel,
    /// clamped to the bytes there are.
    pub fn header_len(&self) -> usize {
        let n = if self.is_dtls() {
            at::DTLS_HEADER_LEN
        } else {
            let h = (usize::from(self.hlen()) * 4).max(at::HEADER_LEN);
            if self.control {
                h + at::CONTROL_LEN
            } else {
                h
            }
        };
        n.min(self.bytes.len())
    }

    /// Everything after the header (a DTLS record, a frame, or the control
    /// message elements).
    pub fn payload(&self) -> &'a [u8] {
        crate::bytes::tail(self.bytes, self.header_len())
    }

    /// What the payload holds. Data channel, unfragmented, not a
    /// keep-alive: an Ethernet (802.3) frame when T is 0; with T set, an
    /// 802.11 frame without FCS and with its frame control swapped (see
    /// [`CapwapView::wlan_fc_swapped`]) for WBID 1, data for others. DTLS
    /// records, fragments, keep-alives and control messages are data.
    pub fn next_layer(&self) -> NextLayer {
        if self.control || self.is_dtls() || self.is_fragment() || self.is_keep_alive() {
            return NextLayer::Data;
        }
        if !self.native_frame() {
            NextLayer::Ethernet
        } else if self.wbid() == wbid::IEEE80211 {
            NextLayer::Wlan
        } else {
            NextLayer::Data
        }
    }

    fn fits(&self, start: usize, len: usize) -> Option<Range<usize>> {
        let end = start.checked_add(len)?;
        (end <= self.bytes.len()).then_some(start..end)
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let p = self.preamble();
        if self.is_dtls() {
            match f {
                Field::PreambleVersion => out.value(Value::UInt((p >> 4).into()), at::PREAMBLE),
                Field::PreambleType => out.value(Value::UInt((p & 0xf).into()), at::PREAMBLE),
                Field::PreambleReserved => out.value(Value::UInt(self.word().into()), at::WORD),
                _ => {}
            }
            return;
        }
        let w = self.word();
        let bit = |m: u32| Value::Bool(w & m != 0);
        match f {
            Field::PreambleVersion => out.value(Value::UInt((p >> 4).into()), at::PREAMBLE),
            Field::PreambleType => out.value(Value::UInt((p & 0xf).into()), at::PREAMBLE),
            Field::PreambleReserved => {}
            Field::HeaderLength => out.value(Value::UInt(self.hlen().into()), at::WORD),
            Field::Rid => out.value(Value::UInt(self.rid().into()), at::WORD),
            Field::Wbid => out.value(Value::UInt(self.wbid().into()), at::WORD),
            Field::Flags => out.value(Value::UInt((w & flag::ALL).into()), at::WORD),
            Field::FlagsT => out.value(bit(flag::T), at::WORD),
            Field::FlagsF => out.value(bit(flag::F), at::WORD),
            Field::FlagsL => out.value(bit(flag::L), at::WORD),
            Field::FlagsW => out.value(bit(flag::W), at::WORD),
            Field::FlagsM => out.value(bit(flag::M), at::WORD),
            Field::FlagsK => out.value(bit(flag::K), at::WORD),
            Field::FlagsR => out.value(Value::UInt((w & flag::RESERVED).into()), at::WORD),
            Field::FragmentId => out.value(Value::UInt(self.fragment_id().into()), at::FRAG_ID),
            Field::FragmentOffset => {
                out.value(Value::UInt(self.fragment_offset().into()), at::FRAG_OFFSET)
            }
            Field::FragmentReserved => {
                let r = be16(self.bytes, at::FRAG_OFFSET.start).unwrap_or(0) & 7;
                out.value(Value::UInt(r.into()), at::FRAG_OFFSET)
            }
            Field::MacLength | Field::MacEui48 | Field::MacData => self.mac_field(f, out),
            Field::WirelessLength
            | Field::WirelessData
            | Field::Fi
            | Field::FiRssi
            | Field::FiSnr
            | Field::FiDataRate
            | Field::Dw
            | Field::DwWlanIdBitmap
            | Field::DwReserved => self.wireless_field(f, out),
            Field::Padding => {
                for (s, n) in [self.lay.mac_pad, self.lay.wireless_pad]
                    .into_iter()
                    .flatten()
                {
                    if let Some(r) = self.fits(s, n) {
                        out.value(Value::Bytes(clamp(self.bytes, s, n)), r)
                    }
                }
            }
            Field::ControlMessageType
            | Field::ControlSequenceNumber
            | Field::ControlMessageElementLength
            | Field::ControlFlags => self.control_field(f, out),
        }
    }

    fn mac_field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let Some(off) = self.lay.mac else { return };
        let Some(n) = u8_at(self.bytes, off) else {
            return;
        };
        let n = usize::from(n);
        match f {
            Field::MacLength => out.value(Value::UInt(n as u64), off..off + 1),
            Field::MacEui48 if n == 6 => {
                if let (Some(r), Some(m)) = (self.fits(off + 1, 6), array(self.bytes, off + 1)) {
                    out.value(Value::Ether(m), r)
                }
            }
            // tshark shows an 8-byte address as an EUI-64, which has no
            // field here; other lengths as bytes.
            Field::MacData if n != 6 && n != 8 => {
                if let Some(r) = self.fits(off + 1, n) {
                    out.value(Value::Bytes(clamp(self.bytes, off + 1, n)), r)
                }
            }
            _ => {}
        }
    }

    fn wireless_field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let Some(off) = self.lay.wireless else { return };
        let Some(n) = u8_at(self.bytes, off) else {
            return;
        };
        let n = usize::from(n);
        let d = off + 1;
        // tshark reads 4 bytes of 802.11 binding information whatever the
        // length says; frame info towards the AC, destination WLANs back.
        let binding = self.wbid() == wbid::IEEE80211;
        let b4 = self.fits(d, 4).filter(|_| binding);
        let fi = b4.clone().filter(|_| self.to_ac);
        let dw = b4.filter(|_| !self.to_ac);
        let at = |o: usize, l: usize| d + o..d + o + l;
        match f {
            Field::WirelessLength => out.value(Value::UInt(n as u64), off..off + 1),
            Field::WirelessData => {
                if let Some(r) = self.fits(d, n) {
                    out.value(Value::Bytes(clamp(self.bytes, d, n)), r)
                }
            }
            Field::Fi => {
                if let Some(r) = fi {
                    out.value(Value::Bytes(clamp(self.bytes, d, 4)), r)
                }
            }
            Field::FiRssi if fi.is_some() => {
                let v = u8_at(self.bytes, d).unwrap_or(0) as i8;
                out.value(Value::Int(v.into()), at(0, 1))
            }
            Field::FiSnr if fi.is_some() => {
                let v = u8_at(self.bytes, d + 1).unwrap_or(0);
                out.value(Value::UInt(v.into()), at(1, 1))
            }
            Field::FiDataRate if fi.is_some() => {
                let v = be16(self.bytes, d + 2).unwrap_or(0);
                out.value(Value::UInt(v.into()), at(2, 2))
            }
            Field::Dw => {
                if let Some(r) = dw {
                    out.value(Value::Bytes(clamp(self.bytes, d, 4)), r)
                }
            }
            Field::DwWlanIdBitmap if dw.is_some() => {
                let v = be16(self.bytes, d).unwrap_or(0);
                out.value(Value::UInt(v.into()), at(0, 2))
            }
            Field::DwReserved if dw.is_some() => {
                let v = be16(self.bytes, d + 2).unwrap_or(0);
                out.value(Value::UInt(v.into()), at(2, 2))
            }
            _ => {}
        }
    }

    fn control_field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        if !self.control {
            return;
        }
        let c = (usize::from(self.hlen()) * 4).max(at::HEADER_LEN);
        let (v, r) = match f {
            Field::ControlMessageType => (be32(self.bytes, c).map(u64::from), self.fits(c, 4)),
            Field::ControlSequenceNumber => {
                (u8_at(self.bytes, c + 4).map(u64::from), self.fits(c + 4, 1))
            }
            Field::ControlMessageElementLength => {
                (be16(self.bytes, c + 5).map(u64::from), self.fits(c + 5, 2))
            }
            Field::ControlFlags => (u8_at(self.bytes, c + 7).map(u64::from), self.fits(c + 7, 1)),
            _ => (None, None),
        };
        if let (Some(v), Some(r)) = (v, r) {
            out.value(Value::UInt(v), r)
        }
    }

    /// `Control And Provisioning of Wireless Access Points - Data` (or
    /// `- Control`).
    pub fn title(&self, out: &mut String) {
        out.push_str("Control And Provisioning of Wireless Access Points - ");
        out.push_str(if self.control { "Control" } else { "Data" });
    }
}

/// The plain values of a CAPWAP header (preamble type 0), for building.
/// `emit` computes HLEN and the padding, and sets the W and M flags from
/// the optional parts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CapwapRepr {
    pub version: u8,
    pub rid: u8,
    pub wbid: u8,
    /// T: native frame format.
    pub native: bool,
    /// F: a fragment.
    pub fragment: bool,
    /// L: the last fragment.
    pub last_fragment: bool,
    /// K: keep-alive.
    pub keep_alive: bool,
    pub fragment_id: u16,
    /// In 8-byte units (13 bits).
    pub fragment_offset: u16,
    /// The radio MAC address field (M flag), at most 255 bytes.
    pub radio_mac: Option<Vec<u8>>,
    /// The wireless specific information (W flag), at most 255 bytes.
    pub wireless: Option<Vec<u8>>,
}

impl CapwapRepr {
    /// A data channel header for a native 802.11 frame.
    pub fn ieee80211() -> Self {
        CapwapRepr {
            version: 0,
            rid: 0,
            wbid: wbid::IEEE80211,
            native: true,
            fragment: false,
            last_fragment: false,
            keep_alive: false,
            fragment_id: 0,
            fragment_offset: 0,
            radio_mac: None,
            wireless: None,
        }
    }

    pub fn parse(v: &CapwapView) -> Self {
        CapwapRepr {
            version: v.version(),
            rid: v.rid(),
            wbid: v.wbid(),
            native: v.native_frame(),
            fragment: v.is_fragment(),
            last_fragment: v.is_last_fragment(),
            keep_alive: v.is_keep_alive(),
            fragment_id: v.fragment_id(),
            fragment_offset: v.fragment_offset(),
            radio_mac: v.radio_mac().map(<[u8]>::to_vec),
            wireless: v.wireless_info().map(<[u8]>::to_vec),
        }
    }

    /// Append the header to `buf`. Parts longer than 255 bytes are cut; a
    /// header longer than HLEN can say (124 bytes) gets the largest HLEN.
    pub fn emit(&self, buf: &mut Vec<u8>) {
        let start = buf.len();
        buf.push(self.version << 4);
        buf.extend_from_slice(&[0, 0, 0]);
        buf.extend_from_slice(&self.fragment_id.to_be_bytes());
        buf.extend_from_slice(&(self.fragment_offset << 3).to_be_bytes());
        let part = |buf: &mut Vec<u8>, data: &[u8]| {
            let data = data.get(..255).unwrap_or(data);
            buf.push(data.len() as u8);
            buf.extend_from_slice(data);
            let n = buf.len() - start;
            buf.resize(buf.len() + (4 - n % 4) % 4, 0);
        };
        if let Some(m) = &self.radio_mac {
            part(buf, m);
        }
        if let Some(w) = &self.wireless {
            part(buf, w);
        }
        let hlen = ((buf.len() - start) / 4).min(31) as u32;
        let mut word =
            (hlen << 19) | (u32::from(self.rid & 0x1f) << 14) | (u32::from(self.wbid & 0x1f) << 9);
        for (on, f) in [
            (self.native, flag::T),
            (self.fragment, flag::F),
            (self.last_fragment, flag::L),
            (self.wireless.is_some(), flag::W),
            (self.radio_mac.is_some(), flag::M),
            (self.keep_alive, flag::K),
        ] {
            if on {
                word |= f;
            }
        }
        if let Some(w) = buf.get_mut(start + 1..start + 4) {
            w.copy_from_slice(&word.to_be_bytes()[1..]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_ranges_within, values};
    use proptest::prelude::*;

    /// The UDP payload of frame 1 of ndpi__capwap_data.pcapng (41264 ->
    /// 5247): a 16-byte header with 802.11 frame info (RSSI -65, SNR 35),
    /// then the start of a native 802.11 data frame with swapped FC bytes.
    const CAPWAP_80211: [u8; 26] = [
        0x00, 0x20, 0x03, 0x20, 0x00, 0x00, 0x00, 0x00, 0x04, 0xbf, 0x23, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x11, 0x08, 0x2c, 0x00, 0x84, 0x80, 0x2d, 0x2b, 0x45, 0x90,
    ];

    fn fields(v: &CapwapView, f: Field) -> String {
        values(FIELDS[f as usize].kind, |out| v.field(f, out)).join(",")
    }

    #[test]
    fn reads_a_real_header_as_tshark() {
        let v = CapwapView::for_udp(&CAPWAP_80211, 41264, 5247).unwrap();
        // tshark -T fields for this frame.
        let want = [
            (Field::PreambleVersion, "0"),
            (Field::PreambleType, "0"),
            (Field::PreambleReserved, ""),
            (Field::HeaderLength, "4"),
            (Field::Rid, "0"),
            (Field::Wbid, "1"),
            (Field::Flags, "0x000120"),
            (Field::FlagsT, "1"),
            (Field::FlagsF, "0"),
            (Field::FlagsL, "0"),
            (Field::FlagsW, "1"),
            (Field::FlagsM, "0"),
            (Field::FlagsK, "0"),
            (Field::FlagsR, "0x000000"),
            (Field::FragmentId, "0"),
            (Field::FragmentOffset, "0"),
            (Field::FragmentReserved, "0"),
            (Field::WirelessLength, "4"),
            (Field::WirelessData, "bf230000"),
            (Field::Fi, "bf230000"),
            (Field::FiRssi, "-65"),
            (Field::FiSnr, "35"),
            (Field::FiDataRate, "0"),
            (Field::Dw, ""),
            (Field::Padding, "000000"),
            (Field::MacLength, ""),
            (Field::ControlMessageType, ""),
        ];
        for (f, s) in want {
            assert_eq!(fields(&v, f), s, "{f:?}");
        }
        assert_eq!(v.header_len(), 16);
        assert_eq!(v.next_layer(), NextLayer::Wlan);
        assert!(v.wlan_fc_swapped());
        assert_eq!(&v.payload()[..2], &[0x11, 0x08]);
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(
            t,
            "Control And Provisioning of Wireless Access Points - Data"
        );
        // The other direction reads the same 4 bytes as destination WLANs.
        let back = CapwapView::for_udp(&CAPWAP_80211, 5247, 41264).unwrap();
        assert_eq!(fields(&back, Field::Fi), "");
        assert_eq!(fields(&back, Field::DwWlanIdBitmap), "48931");
    }

    #[test]
    fn payload_kinds() {
        let mut r = CapwapRepr::ieee80211();
        let build = |r: &CapwapRepr| {
            let mut b = Vec::new();
            r.emit(&mut b);
            b.extend_from_slice(&[0xaa; 20]);
            b
        };
        let b = build(&r);
        assert_eq!(CapwapView::new(&b).unwrap().next_layer(), NextLayer::Wlan);
        r.native = false;
        let b = build(&r);
        assert_eq!(
            CapwapView::new(&b).unwrap().next_layer(),
            NextLayer::Ethernet
        );
        r.native = true;
        r.wbid = 0;
        let b = build(&r);
        assert_eq!(CapwapView::new(&b).unwrap().next_layer(), NextLayer::Data);
        r.wbid = 1;
        r.fragment = true;
        let b = build(&r);
        assert_eq!(CapwapView::new(&b).unwrap().next_layer(), NextLayer::Data);
        r.fragment = false;
        let b = build(&r);
        let c = CapwapView::new_control(&b).unwrap();
        assert!(c.is_control());
        assert_eq!(c.next_layer(), NextLayer::Data);
        assert_eq!(c.header_len(), 16);
        assert_eq!(fields(&c, Field::ControlMessageType), "2863311530");
        assert_eq!(fields(&c, Field::ControlMessageElementLength), "43690");
        // DTLS: 4-byte preamble, then the record.
        let d = [0x01, 0, 0, 0, 0x17, 0xfe, 0xfd];
        let v = CapwapView::for_udp(&d, 5246, 40000).unwrap();
        assert!(v.is_dtls());
        assert_eq!(v.header_len(), 4);
        assert_eq!(v.payload(), &[0x17, 0xfe, 0xfd]);
        assert_eq!(fields(&v, Field::PreambleReserved), "0");
        assert_eq!(fields(&v, Field::HeaderLength), "");
        assert!(CapwapView::is_capwap_port(5246, 1));
        assert!(!CapwapView::is_capwap_port(53, 1));
    }

    #[test]
    fn radio_mac_and_hostile_lengths() {
        let mut r = CapwapRepr::ieee80211();
        r.radio_mac = Some(vec![0, 1, 2, 3, 4, 5]);
        r.wireless = Some(vec![0xc1, 0x25, 0, 0x36]);
        let mut b = Vec::new();
        r.emit(&mut b);
        // 8 + (1 + 6 + pad 1) + (1 + 4 + pad 3) = 24.
        assert_eq!(b.len(), 24);
        let v = CapwapView::new(&b).unwrap();
        assert_eq!(v.header_len(), 24);
        assert_eq!(fields(&v, Field::MacEui48), "00:01:02:03:04:05");
        assert_eq!(fields(&v, Field::Padding), "00,000000");
        assert_eq!(fields(&v, Field::FiDataRate), "54");
        // Lengths that run past the end: nothing read outside the bytes.
        let h = [0x00, 0xf8, 0x00, 0x30, 0, 0, 0, 0, 0xff, 0xff];
        let v = CapwapView::new(&h).unwrap();
        assert_eq!(v.header_len(), 10);
        assert!(v.payload().is_empty());
        assert_eq!(fields(&v, Field::MacLength), "255");
        assert_eq!(fields(&v, Field::MacData), "");
        assert!(CapwapView::new(&h[..7]).is_err());
        assert!(CapwapView::new(&[]).is_err());
    }

    proptest! {
        #[test]
        fn round_trip(version in 0u8..16, rid in 0u8..32, wb in 0u8..32, native: bool,
                      fragment: bool, last_fragment: bool, keep_alive: bool,
                      fragment_id: u16, fragment_offset in 0u16..0x2000,
                      radio_mac in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..16)),
                      wireless in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..32)),
                      body in proptest::collection::vec(any::<u8>(), 0..16)) {
            let r = CapwapRepr { version, rid, wbid: wb, native, fragment, last_fragment,
                                 keep_alive, fragment_id, fragment_offset, radio_mac, wireless };
            let mut buf = Vec::new();
            r.emit(&mut buf);
            let hl = buf.len();
            prop_assert_eq!(hl % 4, 0);
            buf.extend_from_slice(&body);
            let v = CapwapView::new(&buf).unwrap();
            prop_assert_eq!(v.header_len(), hl);
            prop_assert_eq!(CapwapRepr::parse(&v), r);
            prop_assert_eq!(v.payload(), &body[..]);
        }

        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..48),
                        sp: u16, dp in prop_oneof![Just(5246u16), Just(5247u16), any::<u16>()]) {
            if let Ok(v) = CapwapView::for_udp(&bytes, sp, dp) {
                assert_ranges_within(FIELDS, bytes.len(), |i, out| {
                    v.field(Field::from_index(i).unwrap(), out)
                });
                assert!(v.header_len() <= bytes.len());
                let _ = (v.next_layer(), v.payload(), v.radio_mac(), v.wireless_info());
            }
        }
    }
}
