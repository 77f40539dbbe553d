//! IEEE 802.11 MAC frames (link type 105, and inside radiotap, PPI,
//! CAPWAP and Aruba GRE), read as far as the frame body.
//!
//! The header is a little-endian frame control field (version, type,
//! subtype, flags: To DS, From DS, more fragments, retry, power management,
//! more data, protected, +HTC/order), a duration (an association id in
//! PS-Poll frames), one to four addresses, a sequence control field, and
//! for QoS data frames a QoS control field and, when the order flag is
//! set, a 4-byte HT control field (management frames have HT control under
//! the same flag). Which address is the receiver, transmitter, destination,
//! source or BSSID depends on the type and on the To/From DS flags; the
//! view reports them the way tshark 4.0 does, including its quirks for
//! A-MSDUs and cut-short frames.
//!
//! Data frames carry an 802.2 LLC header, or an A-MSDU: subframes of
//! destination, source, big-endian length and an LLC-headed MSDU, each
//! padded to 4 bytes. Management and control frame bodies are not parsed.
//!
//! Options set by the encapsulation: a trailing 4-byte FCS (radiotap's
//! Flags, PPI's 802.11-common flags), padding of the header to 32 bits
//! (radiotap's data pad flag), and frame control bytes stored swapped (what
//! tshark assumes inside CAPWAP).

use crate::bytes::{array, be16, le16, le32, u8_at};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use crate::next::NextLayer;

/// Byte offsets of the header's fields (those that do not move).
mod at {
    pub const FC: usize = 0;
    pub const DURATION: usize = 2;
    pub const ADDR1: usize = 4;
    pub const ADDR2: usize = 10;
    pub const ADDR3: usize = 16;
    pub const SEQ: usize = 22;
    pub const ADDR4: usize = 24;
    /// The smallest frame: frame control, duration, one address.
    pub const MIN_LEN: usize = 10;
}

/// pcap's link-layer header types for 802.11.
pub const LINKTYPE_IEEE802_11: u32 = 105;

/// Frame types.
pub mod frame_type {
    pub const MANAGEMENT: u8 = 0;
    pub const CONTROL: u8 = 1;
    pub const DATA: u8 = 2;
    pub const EXTENSION: u8 = 3;
}

/// Bits of the flags byte of the frame control field.
pub mod flag {
    pub const TO_DS: u8 = 0x01;
    pub const FROM_DS: u8 = 0x02;
    pub const MORE_FRAGMENTS: u8 = 0x04;
    pub const RETRY: u8 = 0x08;
    pub const PWR_MGT: u8 = 0x10;
    pub const MORE_DATA: u8 = 0x20;
    pub const PROTECTED: u8 = 0x40;
    pub const ORDER: u8 = 0x80;
}

/// Control frame subtypes whose header has a second address.
mod ctrl {
    pub const TRIGGER: u8 = 2;
    pub const TACK: u8 = 3;
    pub const BF_REPORT_POLL: u8 = 4;
    pub const NDP_ANNOUNCEMENT: u8 = 5;
    /// Control frame extension: the low flag bits are a subtype of their
    /// own (DMG control frames).
    pub const EXTENSION: u8 = 6;
    pub const WRAPPER: u8 = 7;
    pub const BLOCK_ACK_REQ: u8 = 8;
    pub const BLOCK_ACK: u8 = 9;
    pub const PS_POLL: u8 = 10;
    pub const RTS: u8 = 11;
    pub const CF_END: u8 = 14;
    pub const CF_END_ACK: u8 = 15;
}

field_table! {
    FcTypeSubtype: "wlan.fc.type_subtype", "Type/Subtype", Kind::Hex(4);
    Fc: "wlan.fc", "Frame Control Field", Kind::Hex(4);
    FcVersion: "wlan.fc.version", "Version", Kind::Dec;
    FcType: "wlan.fc.type", "Type", Kind::Dec;
    FcSubtype: "wlan.fc.subtype", "Subtype", Kind::Dec;
    Flags: "wlan.flags", "Flags", Kind::Hex(2);
    FcDs: "wlan.fc.ds", "DS status", Kind::Hex(2);
    FcTods: "wlan.fc.tods", "To DS", Kind::Bool;
    FcFromds: "wlan.fc.fromds", "From DS", Kind::Bool;
    FcFrag: "wlan.fc.frag", "More Fragments", Kind::Bool;
    FcRetry: "wlan.fc.retry", "Retry", Kind::Bool;
    FcPwrmgt: "wlan.fc.pwrmgt", "PWR MGT", Kind::Bool;
    FcMoredata: "wlan.fc.moredata", "More Data", Kind::Bool;
    FcProtected: "wlan.fc.protected", "Protected flag", Kind::Bool;
    FcOrder: "wlan.fc.order", "+HTC/Order flag", Kind::Bool;
    FcExtension: "wlan.fc.extension", "Control Frame Extension", Kind::Dec;
    Duration: "wlan.duration", "Duration", Kind::Dec;
    Aid: "wlan.aid", "Association ID", Kind::Dec;
    Ra: "wlan.ra", "Receiver address", Kind::Ether;
    Ta: "wlan.ta", "Transmitter address", Kind::Ether;
    Da: "wlan.da", "Destination address", Kind::Ether;
    Sa: "wlan.sa", "Source address", Kind::Ether;
    Bssid: "wlan.bssid", "BSS Id", Kind::Ether;
    Staa: "wlan.staa", "STA address", Kind::Ether;
    Addr: "wlan.addr", "Hardware address", Kind::Ether;
    Frag: "wlan.frag", "Fragment number", Kind::Dec;
    Seq: "wlan.seq", "Sequence number", Kind::Dec;
    Qos: "wlan.qos", "Qos Control", Kind::Hex(4);
    QosTid: "wlan.qos.tid", "TID", Kind::Dec;
    QosPriority: "wlan.qos.priority", "Priority", Kind::Dec;
    QosEosp: "wlan.qos.eosp", "EOSP", Kind::Bool;
    QosBit4: "wlan.qos.bit4", "QoS bit 4", Kind::Bool;
    QosAck: "wlan.qos.ack", "Ack Policy", Kind::Hex(4);
    QosAmsdupresent: "wlan.qos.amsdupresent", "Payload Type", Kind::Bool;
    QosTxopDurReq: "wlan.qos.txop_dur_req", "TXOP Duration Requested", Kind::Dec;
    QosQueueSize: "wlan.qos.queue_size", "Queue Size", Kind::Dec;
    QosPsBufState: "wlan.qos.ps_buf_state", "QAP PS Buffer State", Kind::Hex(4);
    QosBufStateIndicated: "wlan.qos.buf_state_indicated", "Buffer State Indicated", Kind::Bool;
    QosHighestPriBufAc: "wlan.qos.highest_pri_buf_ac", "Highest-Priority Buffered AC", Kind::Dec;
    QosQapBufLoad: "wlan.qos.qap_buf_load", "QAP Buffered Load", Kind::Dec;
    QosTxopLimit: "wlan.qos.txop_limit", "TXOP Limit", Kind::Dec;
    Htc: "wlan.htc", "HT Control (+HTC)", Kind::Hex(8);
    Fcs: "wlan.fcs", "Frame check sequence", Kind::Hex(8);
    FcsStatus: "wlan.fcs.status", "FCS Status", Kind::Dec;
}

/// How the encapsulation says to read the frame.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WlanOptions {
    /// The frame ends with its 4-byte FCS.
    pub has_fcs: bool,
    /// The MAC header is padded to a multiple of 4 bytes (radiotap).
    pub data_pad: bool,
    /// The two frame control bytes are stored swapped (CAPWAP).
    pub swapped_fc: bool,
}

/// One A-MSDU subframe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Msdu<'a> {
    /// Offset of the subframe header from the start of the 802.11 layer.
    pub offset: usize,
    pub da: [u8; 6],
    pub sa: [u8; 6],
    /// The length field.
    pub len: u16,
    /// The MSDU (an LLC header and what follows), clamped to the frame.
    pub data: &'a [u8],
}

impl Msdu<'_> {
    /// Offset of the MSDU from the start of the 802.11 layer.
    pub fn data_offset(&self) -> usize {
        self.offset + Msdus::HEADER_LEN
    }
}

/// The subframes of an A-MSDU.
#[derive(Clone, Debug)]
pub struct Msdus<'a> {
    /// The frame up to the end of its body (FCS excluded).
    frame: &'a [u8],
    off: usize,
}

impl Msdus<'_> {
    /// Destination, source and length.
    pub const HEADER_LEN: usize = 14;
}

impl<'a> Iterator for Msdus<'a> {
    type Item = Msdu<'a>;

    fn next(&mut self) -> Option<Msdu<'a>> {
        let o = self.off;
        let da = array(self.frame, o)?;
        let sa = array(self.frame, o.checked_add(6)?)?;
        let len = be16(self.frame, o.checked_add(12)?)?;
        let start = o + Msdus::HEADER_LEN;
        let data = crate::bytes::clamp(self.frame, start, usize::from(len));
        // Every subframe but the last is padded to a multiple of 4 bytes.
        let sub = Msdus::HEADER_LEN + usize::from(len);
        self.off = o.saturating_add(sub + (4 - sub % 4) % 4);
        Some(Msdu {
            offset: o,
            da,
            sa,
            len,
            data,
        })
    }
}

/// Which address slot (1..=4, 0 for none) plays each role, as tshark shows.
#[derive(Clone, Copy, Debug, Default)]
struct Roles {
    ra: u8,
    ta: u8,
    da: u8,
    sa: u8,
    bssid: [u8; 2],
    staa: u8,
    /// The order of `wlan.addr`.
    addrs: [u8; 4],
    /// The number of address slots of the layout: the roles other than RA
    /// and TA are only shown when all of them are in the bytes.
    slots: u8,
}

/// A view over an 802.11 frame.
#[derive(Clone, Copy, Debug)]
pub struct WlanView<'a> {
    bytes: &'a [u8],
    opts: WlanOptions,
    /// Set by whoever checked the FCS: `Some(true)` good, `Some(false)` bad.
    fcs_ok: Option<bool>,
}

impl<'a> WlanView<'a> {
    /// A view over `bytes`, which must hold frame control, duration and the
    /// first address (10 bytes); with `has_fcs`, the last 4 bytes are the
    /// FCS and not part of the body. Pass `has_fcs` only when the frame was
    /// captured whole: a frame cut by the snap length has lost its FCS (and
    /// tshark then shows none).
    pub fn new(bytes: &'a [u8], has_fcs: bool) -> Result<Self, Error> {
        Self::with_options(
            bytes,
            WlanOptions {
                has_fcs,
                ..WlanOptions::default()
            },
        )
    }

    /// A view with all the encapsulation's options.
    pub fn with_options(bytes: &'a [u8], opts: WlanOptions) -> Result<Self, Error> {
        need(bytes, at::MIN_LEN)?;
        Ok(WlanView {
            bytes,
            opts,
            fcs_ok: None,
        })
    }

    /// The same view with the MAC header padded to 32 bits (radiotap's
    /// data pad flag).
    pub fn with_data_pad(mut self, on: bool) -> Self {
        self.opts.data_pad = on;
        self
    }

    /// The same view with the frame control bytes swapped (CAPWAP).
    pub fn with_swapped_fc(mut self, on: bool) -> Self {
        self.opts.swapped_fc = on;
        self
    }

    pub fn options(&self) -> WlanOptions {
        self.opts
    }

    /// The frame control field's two bytes as stored, big-endian (what
    /// tshark shows as `wlan.fc`).
    pub fn raw_fc(&self) -> u16 {
        be16(self.bytes, at::FC).unwrap_or(0)
    }

    /// The first frame control byte (version, type, subtype).
    fn fc0(&self) -> u8 {
        u8_at(self.bytes, at::FC + usize::from(self.opts.swapped_fc)).unwrap_or(0)
    }

    /// The flags byte of the frame control field.
    pub fn flags(&self) -> u8 {
        u8_at(self.bytes, at::FC + usize::from(!self.opts.swapped_fc)).unwrap_or(0)
    }

    pub fn version(&self) -> u8 {
        self.fc0() & 3
    }

    /// The frame type (see [`frame_type`]).
    pub fn frame_type(&self) -> u8 {
        (self.fc0() >> 2) & 3
    }

    pub fn subtype(&self) -> u8 {
        self.fc0() >> 4
    }

    /// Type and subtype as tshark's `wlan.fc.type_subtype` (0x0028: QoS
    /// data; 0x016N for control frame extension N).
    pub fn type_subtype(&self) -> u16 {
        type_subtype(self.fc0(), self.flags())
    }

    /// A control frame extension frame (its flags are an extension id).
    fn is_ctrl_ext(&self) -> bool {
        self.frame_type() == frame_type::CONTROL && self.subtype() == ctrl::EXTENSION
    }

    /// A control frame extension with a transmitter address (DMG Poll,
    /// SPR, Grant, CTS, DTS, Grant Ack, SSW, SSW-Feedback, SSW-Ack).
    fn ctrl_ext_has_ta(&self) -> bool {
        self.is_ctrl_ext() && (2..=10).contains(&(self.flags() & 0x0f))
    }

    fn is_wrapper(&self) -> bool {
        self.frame_type() == frame_type::CONTROL && self.subtype() == ctrl::WRAPPER
    }

    fn has(&self, f: u8) -> bool {
        self.flags() & f != 0
    }

    pub fn to_ds(&self) -> bool {
        self.has(flag::TO_DS)
    }

    pub fn from_ds(&self) -> bool {
        self.has(flag::FROM_DS)
    }

    pub fn more_fragments(&self) -> bool {
        self.has(flag::MORE_FRAGMENTS)
    }

    pub fn is_protected(&self) -> bool {
        self.has(flag::PROTECTED)
    }

    pub fn order(&self) -> bool {
        self.has(flag::ORDER)
    }

    /// The duration field as stored (an association id in PS-Poll).
    pub fn duration_raw(&self) -> u16 {
        le16(self.bytes, at::DURATION).unwrap_or(0)
    }

    /// The duration in microseconds (15 bits).
    pub fn duration(&self) -> u16 {
        self.duration_raw() & 0x7fff
    }

    fn is_data(&self) -> bool {
        self.frame_type() == frame_type::DATA
    }

    fn is_mgmt(&self) -> bool {
        self.frame_type() == frame_type::MANAGEMENT
    }

    fn is_wds(&self) -> bool {
        self.to_ds() && self.from_ds()
    }

    /// A QoS data frame (has a QoS control field).
    pub fn is_qos(&self) -> bool {
        self.is_data() && self.subtype() & 0x08 != 0
    }

    /// A data subtype that carries no data (null function, CF-Poll, ...).
    pub fn is_null_data(&self) -> bool {
        self.is_data() && self.subtype() & 0x04 != 0
    }

    /// Address `n` (1..=4), when the frame is long enough.
    pub fn addr(&self, n: u8) -> Option<[u8; 6]> {
        array(self.bytes, slot_offset(n)?)
    }

    fn has_seq(&self) -> bool {
        self.is_data() || self.is_mgmt()
    }

    /// The sequence control field (data and management frames).
    pub fn seq_ctl(&self) -> Option<u16> {
        if self.has_seq() {
            le16(self.bytes, at::SEQ)
        } else {
            None
        }
    }

    /// The sequence number (12 bits).
    pub fn seq(&self) -> Option<u16> {
        self.seq_ctl().map(|s| s >> 4)
    }

    /// The fragment number (4 bits).
    pub fn frag(&self) -> Option<u16> {
        self.seq_ctl().map(|s| s & 0xf)
    }

    fn qos_offset(&self) -> Option<usize> {
        self.is_qos().then_some(if self.is_wds() { 30 } else { 24 })
    }

    /// The QoS control field of QoS data frames.
    pub fn qos(&self) -> Option<u16> {
        le16(self.bytes, self.qos_offset()?)
    }

    /// The traffic identifier from the QoS control field.
    pub fn tid(&self) -> Option<u8> {
        self.qos().map(|q| (q & 0xf) as u8)
    }

    fn htc_offset(&self) -> Option<usize> {
        if !self.order() {
            if self.frame_type() == frame_type::CONTROL && self.subtype() == ctrl::WRAPPER {
                return Some(12);
            }
            return None;
        }
        if let Some(q) = self.qos_offset() {
            Some(q + 2)
        } else if self.is_mgmt() {
            Some(24)
        } else if self.frame_type() == frame_type::CONTROL && self.subtype() == ctrl::WRAPPER {
            Some(12)
        } else {
            None
        }
    }

    /// The HT control field, when present.
    pub fn htc(&self) -> Option<u32> {
        le32(self.bytes, self.htc_offset()?)
    }

    /// The length of the MAC header (with its padding, if any).
    pub fn mac_header_len(&self) -> usize {
        let n: usize = match self.frame_type() {
            frame_type::MANAGEMENT => 24 + if self.order() { 4 } else { 0 },
            frame_type::CONTROL => match self.subtype() {
                ctrl::TRIGGER
                | ctrl::TACK
                | ctrl::BF_REPORT_POLL
                | ctrl::NDP_ANNOUNCEMENT
                | ctrl::WRAPPER
                | ctrl::BLOCK_ACK_REQ
                | ctrl::BLOCK_ACK
                | ctrl::PS_POLL
                | ctrl::RTS
                | ctrl::CF_END
                | ctrl::CF_END_ACK => 16,
                ctrl::EXTENSION if self.ctrl_ext_has_ta() => 16,
                _ => 10,
            },
            frame_type::DATA => {
                let mut n = 24;
                if self.is_wds() {
                    n += 6;
                }
                if self.is_qos() {
                    n += 2;
                    if self.order() {
                        n += 4;
                    }
                }
                n
            }
            _ => 10,
        };
        if self.opts.data_pad {
            n.div_ceil(4) * 4
        } else {
            n
        }
    }

    /// Where the body ends: before the FCS, if there is one.
    fn body_end(&self) -> usize {
        let n = self.bytes.len();
        if self.opts.has_fcs {
            n.saturating_sub(4)
        } else {
            n
        }
    }

    /// Everything after the MAC header, up to the FCS.
    pub fn body(&self) -> &'a [u8] {
        let end = self.body_end();
        self.bytes
            .get(self.mac_header_len().min(end)..end)
            .unwrap_or(&[])
    }

    /// Whether the body is an A-MSDU (QoS data, unprotected, A-MSDU bit).
    pub fn is_amsdu(&self) -> bool {
        !self.is_null_data() && !self.is_protected() && self.qos().is_some_and(|q| q & 0x80 != 0)
    }

    /// The subframes of an A-MSDU (none when the frame is not one).
    pub fn msdus(&self) -> Msdus<'a> {
        let end = self.body_end();
        Msdus {
            frame: self.bytes.get(..end).unwrap_or(self.bytes),
            off: if self.is_amsdu() {
                self.mac_header_len()
            } else {
                usize::MAX
            },
        }
    }

    /// The FCS, when the frame has one.
    pub fn fcs(&self) -> Option<u32> {
        if self.opts.has_fcs {
            le32(self.bytes, self.bytes.len().checked_sub(4)?)
        } else {
            None
        }
    }

    /// Check the FCS (CRC-32 over the frame before it); `None` without FCS.
    pub fn verify_fcs(&self) -> Option<bool> {
        let fcs = self.fcs()?;
        let end = self.bytes.len().checked_sub(4)?;
        Some(crc32(self.bytes.get(..end)?) == fcs)
    }

    /// Record the result of [`WlanView::verify_fcs`] for `wlan.fcs.status`
    /// (tshark leaves it unverified, 2, unless told to check).
    pub fn set_fcs_status(&mut self, ok: Option<bool>) {
        self.fcs_ok = ok;
    }

    /// The header length: the MAC header, plus the first subframe header
    /// for an A-MSDU (whose first MSDU is the payload), clamped to the
    /// bytes.
    pub fn header_len(&self) -> usize {
        let n = match self.first_msdu() {
            Some(m) => m.data_offset(),
            None => self.mac_header_len(),
        };
        n.min(self.bytes.len())
    }

    fn first_msdu(&self) -> Option<Msdu<'a>> {
        self.msdus().next()
    }

    /// The frame body (FCS excluded); for an A-MSDU, the first MSDU (walk
    /// [`WlanView::msdus`] for the others).
    pub fn payload(&self) -> &'a [u8] {
        match self.first_msdu() {
            Some(m) => m.data,
            None => self.body(),
        }
    }

    /// What the payload holds, as tshark's protocol column has it: LLC for
    /// unprotected data frames with a body (the first MSDU of an A-MSDU),
    /// data for protected frames and fragments (`wlan:data`), nothing for
    /// null data, management, control and extension frames (tshark shows
    /// just `wlan`; their bodies are not parsed here).
    pub fn next_layer(&self) -> NextLayer {
        if !self.is_data() || self.is_null_data() {
            return NextLayer::Done;
        }
        if self.is_protected() || self.more_fragments() {
            return if self.body().is_empty() {
                NextLayer::Done
            } else {
                NextLayer::Data
            };
        }
        if self.is_amsdu() && self.first_msdu().is_none() {
            return NextLayer::Data;
        }
        if self.payload().is_empty() {
            NextLayer::Done
        } else {
            NextLayer::Llc
        }
    }

    fn roles(&self) -> Roles {
        let amsdu = self.is_amsdu();
        match self.frame_type() {
            frame_type::MANAGEMENT => Roles {
                ra: 1,
                ta: 2,
                da: 1,
                sa: 2,
                bssid: [3, 0],
                staa: 0,
                addrs: [1, 2, 3, 0],
                slots: 3,
            },
            frame_type::DATA => match (self.to_ds(), self.from_ds(), amsdu) {
                (false, false, _) => Roles {
                    ra: 1,
                    ta: 2,
                    da: 1,
                    sa: 2,
                    bssid: [3, 0],
                    staa: 0,
                    addrs: [1, 2, 3, 0],
                    slots: 3,
                },
                (false, true, a) => Roles {
                    ra: 1,
                    ta: 2,
                    da: 1,
                    sa: if a { 0 } else { 3 },
                    bssid: [2, 0],
                    staa: 1,
                    addrs: [1, 2, if a { 0 } else { 3 }, 0],
                    slots: 3,
                },
                (true, false, a) => Roles {
                    ra: 1,
                    ta: 2,
                    da: if a { 0 } else { 3 },
                    sa: 2,
                    bssid: [1, 0],
                    staa: 2,
                    addrs: [1, 2, if a { 0 } else { 3 }, 0],
                    slots: 3,
                },
                (true, true, false) => Roles {
                    ra: 1,
                    ta: 2,
                    da: 3,
                    sa: 4,
                    bssid: [0, 0],
                    staa: 0,
                    addrs: [1, 2, 4, 3],
                    slots: 4,
                },
                (true, true, true) => Roles {
                    ra: 1,
                    ta: 2,
                    da: 0,
                    sa: 0,
                    bssid: [3, 4],
                    staa: 0,
                    addrs: [1, 2, 3, 4],
                    slots: 4,
                },
            },
            frame_type::CONTROL => match self.subtype() {
                ctrl::PS_POLL => Roles {
                    ra: 1,
                    ta: 2,
                    bssid: [1, 0],
                    addrs: [1, 2, 0, 0],
                    slots: 2,
                    ..Roles::default()
                },
                ctrl::CF_END => Roles {
                    ra: 1,
                    bssid: [2, 0],
                    addrs: [1, 2, 0, 0],
                    slots: 2,
                    ..Roles::default()
                },
                ctrl::EXTENSION if self.ctrl_ext_has_ta() => Roles {
                    ra: 1,
                    ta: 2,
                    addrs: [1, 2, 0, 0],
                    slots: 2,
                    ..Roles::default()
                },
                ctrl::CF_END_ACK
                | ctrl::TRIGGER
                | ctrl::TACK
                | ctrl::BF_REPORT_POLL
                | ctrl::NDP_ANNOUNCEMENT
                | ctrl::BLOCK_ACK_REQ
                | ctrl::BLOCK_ACK
                | ctrl::RTS => Roles {
                    ra: 1,
                    ta: 2,
                    addrs: [1, 2, 0, 0],
                    slots: 2,
                    ..Roles::default()
                },
                _ => Roles {
                    ra: 1,
                    addrs: [1, 0, 0, 0],
                    slots: 1,
                    ..Roles::default()
                },
            },
            // Extension frames: DMG beacons name a BSSID, S1G beacons a
            // source; tshark lists address 1 twice in `wlan.addr`.
            _ => match self.subtype() {
                0 => Roles {
                    ra: 1,
                    bssid: [1, 0],
                    addrs: [1, 1, 0, 0],
                    slots: 1,
                    ..Roles::default()
                },
                1 => Roles {
                    ra: 1,
                    sa: 1,
                    addrs: [1, 1, 0, 0],
                    slots: 1,
                    ..Roles::default()
                },
                _ => Roles {
                    ra: 1,
                    addrs: [1, 0, 0, 0],
                    slots: 1,
                    ..Roles::default()
                },
            },
        }
    }

    /// Emit address slot `n` if it is in the bytes (and, unless `always`,
    /// every address slot of the layout is).
    fn emit_slot(&self, n: u8, always: bool, full: bool, out: &mut dyn FieldSink<'a>) {
        if n == 0 || !(always || full) {
            return;
        }
        if let (Some(a), Some(o)) = (self.addr(n), slot_offset(n)) {
            out.value(Value::Ether(a), o..o + 6)
        }
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let roles = self.roles();
        let full = roles.slots > 0 && self.addr(roles.slots).is_some();
        match f {
            Field::FcTypeSubtype
            | Field::Fc
            | Field::FcVersion
            | Field::FcType
            | Field::FcSubtype
            | Field::Flags
            | Field::FcDs
            | Field::FcTods
            | Field::FcFromds
            | Field::FcFrag
            | Field::FcRetry
            | Field::FcPwrmgt
            | Field::FcMoredata
            | Field::FcProtected
            | Field::FcOrder
            | Field::FcExtension => {
                let (i0, i1) = if self.opts.swapped_fc { (1, 0) } else { (0, 1) };
                fc_field(f, self.fc0(), self.flags(), self.raw_fc(), i0, i1, out);
                // A control wrapper carries the frame control of the frame
                // it wraps, which tshark shows too.
                if self.is_wrapper() {
                    if let (Some(c0), Some(c1)) = (u8_at(self.bytes, 10), u8_at(self.bytes, 11)) {
                        let raw = u16::from_be_bytes([c0, c1]);
                        fc_field(f, c0, c1, raw, 10, 11, out);
                    }
                }
            }
            Field::Duration | Field::Aid => {
                // PS-Poll frames carry an association id (top bits set).
                let raw = self.duration_raw();
                let aid = self.frame_type() == frame_type::CONTROL
                    && self.subtype() == ctrl::PS_POLL
                    && raw & 0xc000 == 0xc000;
                let r = at::DURATION..at::DURATION + 2;
                if f == Field::Aid && aid {
                    out.value(Value::UInt((raw & 0x3fff).into()), r)
                } else if f == Field::Duration && !aid {
                    out.value(Value::UInt(self.duration().into()), r)
                }
            }
            Field::Ra => self.emit_slot(roles.ra, true, full, out),
            Field::Ta => self.emit_slot(roles.ta, true, full, out),
            Field::Da => {
                self.emit_slot(roles.da, false, full, out);
                for m in self.msdus() {
                    out.value(Value::Ether(m.da), m.offset..m.offset + 6)
                }
            }
            Field::Sa => {
                self.emit_slot(roles.sa, false, full, out);
                for m in self.msdus() {
                    out.value(Value::Ether(m.sa), m.offset + 6..m.offset + 12)
                }
            }
            Field::Bssid => {
                for n in roles.bssid {
                    self.emit_slot(n, false, full, out);
                }
            }
            Field::Staa => self.emit_slot(roles.staa, false, full, out),
            Field::Addr => {
                for n in roles.addrs {
                    self.emit_slot(n, n <= 2, full, out);
                }
            }
            Field::Frag | Field::Seq => {
                if let Some(s) = self.seq_ctl() {
                    let v = if f == Field::Frag { s & 0xf } else { s >> 4 };
                    out.value(Value::UInt(v.into()), at::SEQ..at::SEQ + 2)
                }
            }
            Field::Htc => {
                if let (Some(h), Some(o)) = (self.htc(), self.htc_offset()) {
                    out.value(Value::UInt(h.into()), o..o + 4)
                }
            }
            Field::Fcs | Field::FcsStatus => {
                if let Some(v) = self.fcs() {
                    let n = self.bytes.len();
                    let r = n - 4..n;
                    if f == Field::Fcs {
                        out.value(Value::UInt(v.into()), r)
                    } else {
                        let code = match self.fcs_ok {
                            Some(true) => 1,
                            Some(false) => 0,
                            None => 2,
                        };
                        out.value(Value::UInt(code), r)
                    }
                }
            }
            _ => self.qos_field(f, out),
        }
    }

    fn qos_field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        let (Some(q), Some(o)) = (self.qos(), self.qos_offset()) else {
            return;
        };
        let r = o..o + 2;
        // From an AP (From DS set): EOSP and the AP's buffer state;
        // otherwise bit 4 says whether the high byte is a queue size or a
        // requested TXOP duration.
        let from_ap = self.from_ds();
        let high = q >> 8;
        // From an AP, CF-Poll subtypes grant a TXOP limit, the others give
        // the AP's buffer state. From a station, tshark 4.0 shows nothing
        // of the high byte of a QoS Data + CF-Poll frame (subtype 10).
        let cf_poll = self.subtype() & 0x02 != 0;
        let ap_buf = from_ap && !cf_poll;
        let sta_high = !from_ap && self.subtype() != 10;
        let u = |v: u16| Value::UInt(v.into());
        match f {
            Field::Qos => out.value(u(q), r),
            Field::QosTid => out.value(u(q & 0xf), r),
            Field::QosPriority => out.value(u(q & 7), r),
            Field::QosEosp if from_ap => out.value(Value::Bool(q & 0x10 != 0), r),
            Field::QosBit4 if !from_ap => out.value(Value::Bool(q & 0x10 != 0), r),
            Field::QosAck => out.value(u((q & 0x60) >> 5), r),
            Field::QosAmsdupresent if !self.is_null_data() => {
                out.value(Value::Bool(q & 0x80 != 0), r)
            }
            Field::QosTxopDurReq if sta_high && q & 0x10 == 0 => out.value(u(high), r),
            Field::QosQueueSize if sta_high && q & 0x10 != 0 => out.value(u(high), r),
            Field::QosTxopLimit if from_ap && cf_poll => out.value(u(high), r),
            Field::QosPsBufState if ap_buf => out.value(u(high), r),
            Field::QosBufStateIndicated if ap_buf => out.value(Value::Bool(q & 0x200 != 0), r),
            Field::QosHighestPriBufAc if ap_buf && q & 0x200 != 0 => out.value(u((q >> 10) & 3), r),
            Field::QosQapBufLoad if ap_buf && q & 0x200 != 0 => out.value(u(q >> 12), r),
            _ => {}
        }
    }

    /// `IEEE 802.11 QoS Data, Flags: .......TC`.
    pub fn title(&self, out: &mut String) {
        out.push_str("IEEE 802.11 ");
        let name = subtype_name(self.frame_type(), self.subtype());
        out.push_str(name);
        if self.frame_type() == frame_type::CONTROL && self.subtype() == ctrl::NDP_ANNOUNCEMENT {
            return;
        }
        out.push_str(", Flags: ");
        let fl = self.flags();
        for (i, c) in "opmPRMFT".chars().enumerate() {
            out.push(if fl & (0x80 >> i) != 0 { c } else { '.' });
        }
        if self.opts.has_fcs {
            out.push('C');
        }
    }
}

/// tshark's `wlan.fc.type_subtype` of a frame control first byte and
/// flags byte.
fn type_subtype(fc0: u8, flags: u8) -> u16 {
    let (t, st) = ((fc0 >> 2) & 3, fc0 >> 4);
    if t == frame_type::CONTROL && st == ctrl::EXTENSION {
        0x0160 | u16::from(flags & 0x0f)
    } else {
        (u16::from(t) << 4) | u16::from(st)
    }
}

/// The occurrence of frame control field `f` of the frame control bytes
/// `fc0` (at offset `i0`) and `flags` (at `i1`), `raw` as stored.
fn fc_field<'a>(
    f: Field,
    fc0: u8,
    flags: u8,
    raw: u16,
    i0: usize,
    i1: usize,
    out: &mut dyn FieldSink<'a>,
) {
    let fc = i0.min(i1)..i0.max(i1) + 1;
    let fr = i1..i1 + 1;
    let ext = (fc0 >> 2) & 3 == frame_type::CONTROL && fc0 >> 4 == ctrl::EXTENSION;
    // S1G beacons have a frame control of their own: no flags to show.
    let s1g = (fc0 >> 2) & 3 == frame_type::EXTENSION && fc0 >> 4 == 1;
    let bit = |m: u8| Value::Bool(flags & m != 0);
    match f {
        Field::FcTypeSubtype => out.value(Value::UInt(type_subtype(fc0, flags).into()), fc),
        Field::Fc => out.value(Value::UInt(raw.into()), fc),
        Field::FcVersion => out.value(Value::UInt((fc0 & 3).into()), fc),
        Field::FcType => out.value(Value::UInt(((fc0 >> 2) & 3).into()), fc),
        Field::FcSubtype => out.value(Value::UInt((fc0 >> 4).into()), fc),
        _ if s1g => {}
        Field::Flags => out.value(Value::UInt(flags.into()), fr),
        Field::FcExtension if ext => out.value(Value::UInt((flags & 0x0f).into()), fr),
        // In a control frame extension the low four bits are the
        // extension id, not flags.
        _ if ext && !matches!(f, Field::FcPwrmgt | Field::FcMoredata | Field::FcOrder) => {}
        Field::FcDs => out.value(Value::UInt((flags & 3).into()), fr),
        Field::FcTods => out.value(bit(flag::TO_DS), fr),
        Field::FcFromds => out.value(bit(flag::FROM_DS), fr),
        Field::FcFrag => out.value(bit(flag::MORE_FRAGMENTS), fr),
        Field::FcRetry => out.value(bit(flag::RETRY), fr),
        Field::FcPwrmgt => out.value(bit(flag::PWR_MGT), fr),
        Field::FcMoredata => out.value(bit(flag::MORE_DATA), fr),
        Field::FcProtected => out.value(bit(flag::PROTECTED), fr),
        Field::FcOrder => out.value(bit(flag::ORDER), fr),
        _ => {}
    }
}

fn slot_offset(n: u8) -> Option<usize> {
    match n {
        1 => Some(at::ADDR1),
        2 => Some(at::ADDR2),
        3 => Some(at::ADDR3),
        4 => Some(at::ADDR4),
        _ => None,
    }
}

/// tshark's names of the frame types and subtypes.
pub fn subtype_name(t: u8, st: u8) -> &'static str {
    const MGMT: [&str; 16] = [
        "Association Request",
        "Association Response",
        "Reassociation Request",
        "Reassociation Response",
        "Probe Request",
        "Probe Response",
        "Measurement Pilot",
        "Unrecognized (Reserved frame)",
        "Beacon frame",
        "ATIM",
        "Disassociate",
        "Authentication",
        "Deauthentication",
        "Action",
        "Action No Ack",
        "Aruba Management",
    ];
    const CTRL: [&str; 16] = [
        "Unrecognized (Reserved frame)",
        "Unrecognized (Reserved frame)",
        "Trigger",
        "Unrecognized (Reserved frame)",
        "Beamforming Report Poll",
        "VHT/HE NDP Announcement",
        "Unrecognized (Reserved frame)",
        "Control Wrapper",
        "802.11 Block Ack Req",
        "802.11 Block Ack",
        "Power-Save poll",
        "Request-to-send",
        "Clear-to-send",
        "Acknowledgement",
        "CF-End (Control-frame)",
        "CF-End + CF-Ack (Control-frame)",
    ];
    const DATA: [&str; 16] = [
        "Data",
        "Data + CF-Ack",
        "Data + CF-Poll",
        "Data + CF-Ack + CF-Poll",
        "Null function (No data)",
        "Acknowledgement (No data)",
        "CF-Poll (No data)",
        "CF-Ack/Poll (No data)",
        "QoS Data",
        "QoS Data + CF-Acknowledgment",
        "QoS Data + CF-Poll",
        "QoS Data + CF-Ack + CF-Poll",
        "QoS Null function (No data)",
        "Unrecognized (Reserved frame)",
        "QoS CF-Poll (No Data)",
        "QoS CF-Ack + CF-Poll (No data)",
    ];
    let table = match t {
        frame_type::MANAGEMENT => &MGMT,
        frame_type::CONTROL => &CTRL,
        frame_type::DATA => &DATA,
        _ => {
            return match st {
                0 => "DMG Beacon",
                1 => "S1G Beacon",
                _ => "Unrecognized (Reserved frame)",
            }
        }
    };
    table
        .get(usize::from(st))
        .copied()
        .unwrap_or("Unrecognized (Reserved frame)")
}

/// The CRC-32 table (IEEE 802.3 polynomial, reflected).
const CRC_TABLE: [u32; 256] = {
    let mut t = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xedb8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
};

/// The 802.11 (and Ethernet) frame check sequence of `data`.
pub fn crc32(data: &[u8]) -> u32 {
    let mut c = !0u32;
    for &b in data {
        c = CRC_TABLE[usize::from((c as u8) ^ b)] ^ (c >> 8);
    }
    !c
}

/// Append the FCS of `frame` (everything in it) to it.
pub fn append_fcs(frame: &mut Vec<u8>) {
    let fcs = crc32(frame);
    frame.extend_from_slice(&fcs.to_le_bytes());
}

/// The plain values of an 802.11 MAC header, for building. `emit` writes
/// the fields the type, subtype and flags call for: addresses 2 and 3 and
/// sequence control where the layout has them, address 4 for data frames
/// with both DS flags, QoS control for QoS data, HT control for QoS data
/// and management frames with the order flag.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WlanRepr {
    pub frame_type: u8,
    pub subtype: u8,
    pub flags: u8,
    pub duration: u16,
    pub addr1: [u8; 6],
    pub addr2: [u8; 6],
    pub addr3: [u8; 6],
    pub seq_ctl: u16,
    pub addr4: [u8; 6],
    pub qos: u16,
    pub htc: u32,
}

impl WlanRepr {
    /// A data frame from a station to its AP (To DS): BSSID, source,
    /// destination.
    pub fn data_to_ap(bssid: [u8; 6], sa: [u8; 6], da: [u8; 6], seq: u16) -> Self {
        WlanRepr {
            frame_type: frame_type::DATA,
            flags: flag::TO_DS,
            addr1: bssid,
            addr2: sa,
            addr3: da,
            seq_ctl: seq << 4,
            ..WlanRepr::default()
        }
    }

    pub fn parse(v: &WlanView) -> Self {
        let layout = Self::layout(v.frame_type(), v.subtype(), v.flags());
        let addr = |n: u8, on: bool| {
            if on {
                v.addr(n).unwrap_or_default()
            } else {
                [0; 6]
            }
        };
        WlanRepr {
            frame_type: v.frame_type(),
            subtype: v.subtype(),
            flags: v.flags(),
            duration: v.duration_raw(),
            addr1: addr(1, true),
            addr2: addr(2, layout.addr2),
            addr3: addr(3, layout.addr3),
            seq_ctl: v.seq_ctl().unwrap_or(0),
            addr4: addr(4, layout.addr4),
            qos: v.qos().unwrap_or(0),
            htc: if layout.htc { v.htc().unwrap_or(0) } else { 0 },
        }
    }

    fn layout(t: u8, st: u8, flags: u8) -> Layout {
        let data = t == frame_type::DATA;
        let mgmt = t == frame_type::MANAGEMENT;
        let qos = data && st & 8 != 0;
        let order = flags & flag::ORDER != 0;
        let two = mgmt
            || data
            || (t == frame_type::CONTROL
                && matches!(
                    st,
                    ctrl::TRIGGER
                        | ctrl::TACK
                        | ctrl::BF_REPORT_POLL
                        | ctrl::NDP_ANNOUNCEMENT
                        | ctrl::BLOCK_ACK_REQ
                        | ctrl::BLOCK_ACK
                        | ctrl::PS_POLL
                        | ctrl::RTS
                        | ctrl::CF_END
                        | ctrl::CF_END_ACK
                ))
            || (t == frame_type::CONTROL
                && st == ctrl::EXTENSION
                && (2..=10).contains(&(flags & 0x0f)));
        Layout {
            addr2: two,
            addr3: mgmt || data,
            addr4: data && flags & 3 == 3,
            qos,
            htc: order && (qos || mgmt),
        }
    }

    /// Append the MAC header to `buf` (the caller appends the body, then
    /// the FCS with [`append_fcs`] if wanted).
    pub fn emit(&self, buf: &mut Vec<u8>) {
        let l = Self::layout(self.frame_type, self.subtype, self.flags);
        buf.push(((self.subtype & 0xf) << 4) | ((self.frame_type & 3) << 2));
        buf.push(self.flags);
        buf.extend_from_slice(&self.duration.to_le_bytes());
        buf.extend_from_slice(&self.addr1);
        if l.addr2 {
            buf.extend_from_slice(&self.addr2);
        }
        if l.addr3 {
            buf.extend_from_slice(&self.addr3);
            buf.extend_from_slice(&self.seq_ctl.to_le_bytes());
        }
        if l.addr4 {
            buf.extend_from_slice(&self.addr4);
        }
        if l.qos {
            buf.extend_from_slice(&self.qos.to_le_bytes());
        }
        if l.htc {
            buf.extend_from_slice(&self.htc.to_le_bytes());
        }
    }
}

/// Which optional parts a header has.
#[derive(Clone, Copy, Debug)]
struct Layout {
    addr2: bool,
    addr3: bool,
    addr4: bool,
    qos: bool,
    htc: bool,
}

/// The LLC/SNAP header for IPv4 that data frames carry.
pub const LLC_SNAP_IPV4: [u8; 8] = [0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00];

/// An A-MSDU subframe for building: header, MSDU and padding to 4 bytes
/// (leave `pad` off for the last subframe).
pub fn emit_msdu(buf: &mut Vec<u8>, da: [u8; 6], sa: [u8; 6], msdu: &[u8], pad: bool) {
    let msdu = msdu.get(..0xffff).unwrap_or(msdu);
    buf.extend_from_slice(&da);
    buf.extend_from_slice(&sa);
    buf.extend_from_slice(&(msdu.len() as u16).to_be_bytes());
    buf.extend_from_slice(msdu);
    if pad {
        let sub = Msdus::HEADER_LEN + msdu.len();
        buf.resize(buf.len() + (4 - sub % 4) % 4, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_ranges_within, values_checked};
    use proptest::prelude::*;

    /// The 802.11 frame of frame 1 of zeek__radiotap.pcap (after its 48-byte
    /// radiotap header): a QoS data frame To DS with FCS, carrying a DNS
    /// query for captive.apple.com over IPv4/UDP.
    const QOS_DATA_FCS: [u8; 101] = [
        0x88, 0x01, 0x2c, 0x00, 0x8a, 0x15, 0x14, 0x9b, 0x5a, 0xe0, 0x90, 0x72, 0x40, 0x97, 0xb6,
        0xf5, 0x44, 0x2b, 0x03, 0xaa, 0xab, 0x8d, 0x10, 0x00, 0x06, 0x00, 0xaa, 0xaa, 0x03, 0x00,
        0x00, 0x00, 0x08, 0x00, 0x45, 0x00, 0x00, 0x3f, 0xd6, 0x8d, 0x00, 0x00, 0x40, 0x11, 0xae,
        0xa2, 0xac, 0x11, 0x9c, 0x4c, 0xd0, 0x43, 0xdc, 0xdc, 0xf1, 0x2a, 0x00, 0x35, 0x00, 0x2b,
        0xc5, 0xdf, 0xa7, 0x2f, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07,
        0x63, 0x61, 0x70, 0x74, 0x69, 0x76, 0x65, 0x05, 0x61, 0x70, 0x70, 0x6c, 0x65, 0x03, 0x63,
        0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00, 0x01, 0x03, 0x12, 0xc6, 0xa7,
    ];

    /// The start of the native 802.11 frame in frame 1 of
    /// ndpi__capwap_data.pcapng: a data frame To DS whose frame control
    /// bytes are swapped (0x11 0x08), fragment 6 of sequence 775.
    const CAPWAP_SWAPPED: [u8; 34] = [
        0x11, 0x08, 0x2c, 0x00, 0x84, 0x80, 0x2d, 0x2b, 0x45, 0x90, 0x54, 0xf2, 0x01, 0xe1, 0xb2,
        0x99, 0x10, 0xf3, 0x11, 0xea, 0xee, 0xc1, 0x76, 0x30, 0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00,
        0x08, 0x00, 0x45, 0x00,
    ];

    /// tcpdump__reason_code-0.pcap after its radiotap header: a
    /// deauthentication frame (reason code 0), no FCS.
    const DEAUTH: [u8; 26] = [
        0xc0, 0x00, 0x3a, 0x01, 0x00, 0x0c, 0x41, 0x82, 0xb2, 0x55, 0x00, 0x0d, 0x93, 0x82, 0x36,
        0x3a, 0x00, 0x0c, 0x41, 0x82, 0xb2, 0x55, 0x50, 0x0b, 0x00, 0x00,
    ];

    fn fields(v: &WlanView, f: Field) -> String {
        values_checked(
            FIELDS[f as usize].kind,
            |out| v.field(f, out),
            |r| assert!(r.end <= v.bytes.len()),
        )
        .join(",")
    }

    fn check(v: &WlanView, want: &[(Field, &str)]) {
        for &(f, s) in want {
            assert_eq!(fields(v, f), s, "{f:?}");
        }
    }

    #[test]
    fn qos_data_with_fcs_as_tshark() {
        let v = WlanView::new(&QOS_DATA_FCS, true).unwrap();
        check(
            &v,
            &[
                (Field::FcTypeSubtype, "0x0028"),
                (Field::Fc, "0x8801"),
                (Field::FcVersion, "0"),
                (Field::FcType, "2"),
                (Field::FcSubtype, "8"),
                (Field::Flags, "0x01"),
                (Field::FcDs, "0x01"),
                (Field::FcTods, "1"),
                (Field::FcFromds, "0"),
                (Field::FcProtected, "0"),
                (Field::Duration, "44"),
                (Field::Ra, "8a:15:14:9b:5a:e0"),
                (Field::Ta, "90:72:40:97:b6:f5"),
                (Field::Da, "44:2b:03:aa:ab:8d"),
                (Field::Sa, "90:72:40:97:b6:f5"),
                (Field::Bssid, "8a:15:14:9b:5a:e0"),
                (Field::Staa, "90:72:40:97:b6:f5"),
                (
                    Field::Addr,
                    "8a:15:14:9b:5a:e0,90:72:40:97:b6:f5,44:2b:03:aa:ab:8d",
                ),
                (Field::Frag, "0"),
                (Field::Seq, "1"),
                (Field::Qos, "0x0006"),
                (Field::QosTid, "6"),
                (Field::QosPriority, "6"),
                (Field::QosEosp, ""),
                (Field::QosBit4, "0"),
                (Field::QosAck, "0x0000"),
                (Field::QosAmsdupresent, "0"),
                (Field::QosTxopDurReq, "0"),
                (Field::Fcs, "0xa7c61203"),
                (Field::FcsStatus, "2"),
                (Field::Htc, ""),
            ],
        );
        assert_eq!(v.header_len(), 26);
        assert_eq!(v.next_layer(), NextLayer::Llc);
        let p = v.payload();
        assert_eq!(&p[..8], &LLC_SNAP_IPV4);
        assert_eq!(p.len(), 101 - 26 - 4);
        assert_eq!(v.verify_fcs(), Some(true));
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(t, "IEEE 802.11 QoS Data, Flags: .......TC");
        // A flipped bit breaks the FCS.
        let mut bad = QOS_DATA_FCS;
        bad[40] ^= 1;
        assert_eq!(WlanView::new(&bad, true).unwrap().verify_fcs(), Some(false));
        let mut v = v;
        v.set_fcs_status(Some(true));
        assert_eq!(fields(&v, Field::FcsStatus), "1");
    }

    #[test]
    fn swapped_frame_control_as_tshark() {
        let v = WlanView::new(&CAPWAP_SWAPPED, false)
            .unwrap()
            .with_swapped_fc(true);
        check(
            &v,
            &[
                (Field::FcTypeSubtype, "0x0020"),
                (Field::Fc, "0x1108"),
                (Field::Flags, "0x11"),
                (Field::FcDs, "0x01"),
                (Field::FcPwrmgt, "1"),
                (Field::Duration, "44"),
                (Field::Ra, "84:80:2d:2b:45:90"),
                (Field::Da, "10:f3:11:ea:ee:c1"),
                (Field::Frag, "6"),
                (Field::Seq, "775"),
                (Field::Qos, ""),
                (Field::Fcs, ""),
            ],
        );
        assert_eq!(v.header_len(), 24);
        assert_eq!(v.next_layer(), NextLayer::Llc);
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(t, "IEEE 802.11 Data, Flags: ...P...T");
    }

    #[test]
    fn management_frame_as_tshark() {
        let v = WlanView::new(&DEAUTH, false).unwrap();
        check(
            &v,
            &[
                (Field::FcTypeSubtype, "0x000c"),
                (Field::Fc, "0xc000"),
                (Field::Duration, "314"),
                (Field::Ra, "00:0c:41:82:b2:55"),
                (Field::Ta, "00:0d:93:82:36:3a"),
                (Field::Da, "00:0c:41:82:b2:55"),
                (Field::Sa, "00:0d:93:82:36:3a"),
                (Field::Bssid, "00:0c:41:82:b2:55"),
                (Field::Staa, ""),
                (
                    Field::Addr,
                    "00:0c:41:82:b2:55,00:0d:93:82:36:3a,00:0c:41:82:b2:55",
                ),
                (Field::Frag, "0"),
                (Field::Seq, "181"),
            ],
        );
        assert_eq!(v.next_layer(), NextLayer::Done);
        assert_eq!(v.body(), &[0x00, 0x00]);
    }

    /// Build a frame from a header and a body.
    fn frame(r: &WlanRepr, body: &[u8]) -> Vec<u8> {
        let mut b = Vec::new();
        r.emit(&mut b);
        b.extend_from_slice(body);
        b
    }

    const A1: [u8; 6] = [0x11; 6];
    const A2: [u8; 6] = [0x22; 6];
    const A3: [u8; 6] = [0x33; 6];
    const A4: [u8; 6] = [0x44; 6];

    fn repr(t: u8, st: u8, flags: u8) -> WlanRepr {
        WlanRepr {
            frame_type: t,
            subtype: st,
            flags,
            addr1: A1,
            addr2: A2,
            addr3: A3,
            addr4: A4,
            seq_ctl: (0x123 << 4) | 5,
            ..WlanRepr::default()
        }
    }

    #[test]
    fn address_roles_as_tshark() {
        // Checked with tshark 4.0 on the same crafted frames.
        let s1 = "11:11:11:11:11:11";
        let s2 = "22:22:22:22:22:22";
        let s3 = "33:33:33:33:33:33";
        let s4 = "44:44:44:44:44:44";
        let cases: &[(u8, &str, &str, &str, &str, &str, String)] = &[
            (0, s1, s2, s3, "", "", format!("{s1},{s2},{s3}")),
            (2, s1, s3, s2, s1, "", format!("{s1},{s2},{s3}")),
            (1, s3, s2, s1, s2, "", format!("{s1},{s2},{s3}")),
            (3, s3, s4, "", "", s2, format!("{s1},{s2},{s4},{s3}")),
        ];
        for (ds, da, sa, bssid, staa, ta, addr) in cases {
            let v_bytes = frame(&repr(2, 0, *ds), &LLC_SNAP_IPV4);
            let v = WlanView::new(&v_bytes, false).unwrap();
            assert_eq!(fields(&v, Field::Ra), s1);
            assert_eq!(fields(&v, Field::Ta), s2, "{ta}");
            assert_eq!(fields(&v, Field::Da), *da, "ds {ds}");
            assert_eq!(fields(&v, Field::Sa), *sa, "ds {ds}");
            assert_eq!(fields(&v, Field::Bssid), *bssid, "ds {ds}");
            assert_eq!(fields(&v, Field::Staa), *staa, "ds {ds}");
            assert_eq!(&fields(&v, Field::Addr), addr, "ds {ds}");
            assert_eq!(v.next_layer(), NextLayer::Llc);
        }
        // Control frames.
        let cases: &[(u8, &str, &str, &str)] = &[
            (11, s2, "", "11:11:11:11:11:11,22:22:22:22:22:22"), // RTS
            (12, "", "", s1),                                    // CTS
            (13, "", "", s1),                                    // ACK
            (8, s2, "", "11:11:11:11:11:11,22:22:22:22:22:22"),  // BAR
            (10, s2, s1, "11:11:11:11:11:11,22:22:22:22:22:22"), // PS-Poll
            (14, "", s2, "11:11:11:11:11:11,22:22:22:22:22:22"), // CF-End
        ];
        for &(st, ta, bssid, addr) in cases {
            let b = frame(&repr(1, st, 0), &[]);
            let v = WlanView::new(&b, false).unwrap();
            assert_eq!(fields(&v, Field::Ra), s1, "subtype {st}");
            assert_eq!(fields(&v, Field::Ta), ta, "subtype {st}");
            assert_eq!(fields(&v, Field::Bssid), bssid, "subtype {st}");
            assert_eq!(fields(&v, Field::Addr), addr, "subtype {st}");
            assert_eq!(fields(&v, Field::Seq), "");
            assert_eq!(v.next_layer(), NextLayer::Done);
        }
        let mut r = repr(1, 10, 0);
        r.duration = 0xc001;
        let b = frame(&r, &[]);
        let v = WlanView::new(&b, false).unwrap();
        assert_eq!(fields(&v, Field::Aid), "1");
        assert_eq!(fields(&v, Field::Duration), "");
    }

    #[test]
    fn amsdu_as_tshark() {
        let ip = [0x45u8, 0, 0, 0x1c];
        let mut msdu = LLC_SNAP_IPV4.to_vec();
        msdu.extend_from_slice(&ip);
        let mut body = Vec::new();
        emit_msdu(&mut body, A1, A4, &msdu, true);
        emit_msdu(&mut body, A1, A4, &msdu, false);
        let s1 = "11:11:11:11:11:11";
        let s2 = "22:22:22:22:22:22";
        let s3 = "33:33:33:33:33:33";
        let s4 = "44:44:44:44:44:44";
        // (flags, da, sa, bssid, addr) as tshark shows them.
        let cases = [
            (
                2u8,
                format!("{s1},{s1},{s1}"),
                format!("{s4},{s4}"),
                s2.to_string(),
                format!("{s1},{s2}"),
            ),
            (
                1,
                format!("{s1},{s1}"),
                format!("{s2},{s4},{s4}"),
                s1.to_string(),
                format!("{s1},{s2}"),
            ),
            (
                3,
                format!("{s1},{s1}"),
                format!("{s4},{s4}"),
                format!("{s3},{s4}"),
                format!("{s1},{s2},{s3},{s4}"),
            ),
            (
                0,
                format!("{s1},{s1},{s1}"),
                format!("{s2},{s4},{s4}"),
                s3.to_string(),
                format!("{s1},{s2},{s3}"),
            ),
        ];
        for (ds, da, sa, bssid, addr) in cases {
            let mut r = repr(2, 8, ds);
            r.qos = 0x0080;
            let b = frame(&r, &body);
            let v = WlanView::new(&b, false).unwrap();
            assert!(v.is_amsdu());
            assert_eq!(fields(&v, Field::Da), da, "ds {ds}");
            assert_eq!(fields(&v, Field::Sa), sa, "ds {ds}");
            assert_eq!(fields(&v, Field::Bssid), bssid, "ds {ds}");
            assert_eq!(fields(&v, Field::Addr), addr, "ds {ds}");
            assert_eq!(fields(&v, Field::QosAmsdupresent), "1");
            let hdr = v.mac_header_len();
            assert_eq!(v.header_len(), hdr + 14);
            assert_eq!(v.payload(), &msdu[..]);
            assert_eq!(v.next_layer(), NextLayer::Llc);
            let subs: Vec<_> = v.msdus().collect();
            assert_eq!(subs.len(), 2);
            assert_eq!(subs[1].data, &msdu[..]);
            assert_eq!(subs[1].offset, hdr + 14 + 12 + 2);
        }
    }

    #[test]
    fn qos_fields_by_direction() {
        // From an AP: EOSP and buffer state; checked with tshark 4.0.
        let mut r = repr(2, 8, flag::FROM_DS);
        r.qos = 0xab72;
        let b = frame(&r, &LLC_SNAP_IPV4);
        let v = WlanView::new(&b, false).unwrap();
        check(
            &v,
            &[
                (Field::Qos, "0xab72"),
                (Field::QosTid, "2"),
                (Field::QosEosp, "1"),
                (Field::QosBit4, ""),
                (Field::QosAck, "0x0003"),
                (Field::QosAmsdupresent, "0"),
                (Field::QosPsBufState, "0x00ab"),
                (Field::QosBufStateIndicated, "1"),
                (Field::QosHighestPriBufAc, "2"),
                (Field::QosQapBufLoad, "10"),
                (Field::QosTxopDurReq, ""),
            ],
        );
        // From a station with bit 4: queue size.
        let mut r = repr(2, 8, flag::TO_DS);
        r.qos = 0x0015;
        let b = frame(&r, &LLC_SNAP_IPV4);
        let v = WlanView::new(&b, false).unwrap();
        check(
            &v,
            &[
                (Field::QosBit4, "1"),
                (Field::QosQueueSize, "0"),
                (Field::QosTxopDurReq, ""),
                (Field::QosPsBufState, ""),
            ],
        );
        // QoS null: no payload type, no body.
        let mut r = repr(2, 12, flag::FROM_DS);
        r.qos = 0x0017;
        let b = frame(&r, &[]);
        let v = WlanView::new(&b, false).unwrap();
        assert_eq!(fields(&v, Field::QosAmsdupresent), "");
        assert_eq!(fields(&v, Field::QosEosp), "1");
        assert_eq!(v.next_layer(), NextLayer::Done);
        // +HTC on QoS data and on management frames.
        let mut r = repr(2, 8, flag::FROM_DS | flag::ORDER);
        r.qos = 5;
        r.htc = 0x4433_2211;
        let b = frame(&r, &LLC_SNAP_IPV4);
        let v = WlanView::new(&b, false).unwrap();
        assert_eq!(fields(&v, Field::Htc), "0x44332211");
        assert_eq!(v.mac_header_len(), 30);
        assert_eq!(v.payload(), &LLC_SNAP_IPV4);
        let mut r = repr(0, 13, flag::ORDER);
        r.htc = 0xddcc_bbaa;
        let b = frame(&r, &[4, 0]);
        let v = WlanView::new(&b, false).unwrap();
        assert_eq!(fields(&v, Field::Htc), "0xddccbbaa");
        assert_eq!(v.body(), &[4, 0]);
        // The order flag on non-QoS data is just "strictly ordered".
        let b = frame(&repr(2, 0, flag::ORDER), &LLC_SNAP_IPV4);
        let v = WlanView::new(&b, false).unwrap();
        assert_eq!(v.mac_header_len(), 24);
        assert_eq!(fields(&v, Field::Htc), "");
    }

    #[test]
    fn payload_kinds() {
        // Protected and fragmented frames are data, as in tshark's stack.
        let b = frame(&repr(2, 8, flag::TO_DS | flag::PROTECTED), &[0xaa; 16]);
        assert_eq!(
            WlanView::new(&b, false).unwrap().next_layer(),
            NextLayer::Data
        );
        let b = frame(&repr(2, 0, flag::MORE_FRAGMENTS), &[0xaa; 16]);
        assert_eq!(
            WlanView::new(&b, false).unwrap().next_layer(),
            NextLayer::Data
        );
        // Null function: nothing.
        let b = frame(&repr(2, 4, flag::TO_DS), &[]);
        assert_eq!(
            WlanView::new(&b, false).unwrap().next_layer(),
            NextLayer::Done
        );
        // Data pad: the body starts at a multiple of 4 (26 -> 28).
        let mut r = repr(2, 8, flag::FROM_DS);
        r.qos = 0;
        let mut b = frame(&r, &[0, 0]);
        b.extend_from_slice(&LLC_SNAP_IPV4);
        let v = WlanView::new(&b, false).unwrap().with_data_pad(true);
        assert_eq!(v.header_len(), 28);
        assert_eq!(v.payload(), &LLC_SNAP_IPV4);
        // An FCS longer than the body: empty payload.
        let b = frame(&repr(2, 0, 0), &[1, 2]);
        let v = WlanView::new(&b, true).unwrap();
        assert!(v.payload().is_empty());
        assert_eq!(v.next_layer(), NextLayer::Done);
    }

    #[test]
    fn cut_short_frames_as_tshark() {
        // A From DS data frame cut after address 1: tshark shows RA only.
        let b = frame(&repr(2, 0, flag::FROM_DS), &[]);
        let v = WlanView::new(&b[..10], false).unwrap();
        check(
            &v,
            &[
                (Field::Ra, "11:11:11:11:11:11"),
                (Field::Ta, ""),
                (Field::Da, ""),
                (Field::Staa, ""),
                (Field::Addr, "11:11:11:11:11:11"),
                (Field::Seq, ""),
                (Field::Duration, "0"),
            ],
        );
        assert!(v.payload().is_empty());
        assert_eq!(v.header_len(), 10);
        assert!(WlanView::new(&b[..9], false).is_err());
    }

    #[test]
    fn odd_control_frames_as_tshark() {
        // Checked with tshark 4.0 on the same crafted frames.
        // PS-Poll: an AID only when the top two bits are set.
        for (raw, dur, aid) in [
            (0xc005u16, "", "5"),
            (0x8005, "5", ""),
            (0x4005, "16389", ""),
        ] {
            let mut r = repr(1, 10, 0);
            r.duration = raw;
            let b = frame(&r, &[]);
            let v = WlanView::new(&b, false).unwrap();
            assert_eq!(fields(&v, Field::Duration), dur);
            assert_eq!(fields(&v, Field::Aid), aid);
        }
        // Control frame extension 5 (DMG CTS): type/subtype 0x0165, no DS
        // flags, a transmitter address.
        let b = frame(&repr(1, 6, 5), &[]);
        let v = WlanView::new(&b, false).unwrap();
        check(
            &v,
            &[
                (Field::FcTypeSubtype, "0x0165"),
                (Field::FcExtension, "5"),
                (Field::Flags, "0x05"),
                (Field::FcDs, ""),
                (Field::FcTods, ""),
                (Field::FcPwrmgt, "0"),
                (Field::Ta, "22:22:22:22:22:22"),
            ],
        );
        // Control wrapper: the carried frame control is shown too.
        let mut b = frame(&repr(1, 7, 0), &[]);
        b.truncate(10);
        b.extend_from_slice(&[0xb4, 0x00, 0x11, 0x22, 0x33, 0x44]);
        let v = WlanView::new(&b, false).unwrap();
        check(
            &v,
            &[
                (Field::FcTypeSubtype, "0x0017,0x001b"),
                (Field::Fc, "0x7400,0xb400"),
                (Field::Htc, "0x44332211"),
                (Field::Addr, "11:11:11:11:11:11"),
            ],
        );
        // CF-End + CF-Ack names a transmitter, CF-End a BSSID.
        let b = frame(&repr(1, 15, 0), &[]);
        let v = WlanView::new(&b, false).unwrap();
        assert_eq!(fields(&v, Field::Ta), "22:22:22:22:22:22");
        assert_eq!(fields(&v, Field::Bssid), "");
        // QoS Data + CF-Poll from an AP: a TXOP limit, no buffer state;
        // from a station: nothing of the high byte.
        let mut r = repr(2, 10, flag::FROM_DS);
        r.qos = 0x4405;
        let b = frame(&r, &LLC_SNAP_IPV4);
        let v = WlanView::new(&b, false).unwrap();
        assert_eq!(fields(&v, Field::QosTxopLimit), "68");
        assert_eq!(fields(&v, Field::QosPsBufState), "");
        r.flags = flag::TO_DS;
        let b = frame(&r, &LLC_SNAP_IPV4);
        let v = WlanView::new(&b, false).unwrap();
        assert_eq!(fields(&v, Field::QosTxopDurReq), "");
        assert_eq!(fields(&v, Field::QosBit4), "0");
        // Extension frames: DMG beacon (BSSID), S1G beacon (SA, no flags).
        let b = frame(&repr(3, 0, 0), &[]);
        let v = WlanView::new(&b, false).unwrap();
        assert_eq!(fields(&v, Field::Bssid), "11:11:11:11:11:11");
        assert_eq!(
            fields(&v, Field::Addr),
            "11:11:11:11:11:11,11:11:11:11:11:11"
        );
        let b = frame(&repr(3, 1, 0), &[]);
        let v = WlanView::new(&b, false).unwrap();
        assert_eq!(fields(&v, Field::Sa), "11:11:11:11:11:11");
        assert_eq!(fields(&v, Field::Flags), "");
    }

    #[test]
    fn titles() {
        let b = frame(&repr(0, 8, 0), &[]);
        let mut t = String::new();
        WlanView::new(&b, false).unwrap().title(&mut t);
        assert_eq!(t, "IEEE 802.11 Beacon frame, Flags: ........");
        let b = frame(&repr(2, 0, 0xff), &[]);
        let mut t = String::new();
        WlanView::new(&b, false).unwrap().title(&mut t);
        assert_eq!(t, "IEEE 802.11 Data, Flags: opmPRMFT");
        assert_eq!(subtype_name(1, 5), "VHT/HE NDP Announcement");
        assert_eq!(subtype_name(3, 7), "Unrecognized (Reserved frame)");
    }

    #[test]
    fn crc32_known_value() {
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
        let mut f = frame(&repr(2, 0, 1), &LLC_SNAP_IPV4);
        append_fcs(&mut f);
        assert_eq!(WlanView::new(&f, true).unwrap().verify_fcs(), Some(true));
    }

    proptest! {
        #[test]
        fn data_frame_round_trip(subtype in 0u8..16, flags: u8, duration: u16,
                                 a1: [u8; 6], a2: [u8; 6], a3: [u8; 6], a4: [u8; 6],
                                 seq_ctl: u16, qos: u16, htc: u32, fcs: bool,
                                 body in proptest::collection::vec(any::<u8>(), 0..24)) {
            let r = WlanRepr { frame_type: 2, subtype, flags, duration, addr1: a1, addr2: a2,
                               addr3: a3, seq_ctl, addr4: a4, qos, htc };
            let mut b = frame(&r, &body);
            if fcs { append_fcs(&mut b); }
            let v = WlanView::new(&b, fcs).unwrap();
            let mut want = r;
            if flags & 3 != 3 { want.addr4 = [0; 6]; }
            if subtype & 8 == 0 { want.qos = 0; }
            if subtype & 8 == 0 || flags & flag::ORDER == 0 { want.htc = 0; }
            prop_assert_eq!(WlanRepr::parse(&v), want);
            prop_assert_eq!(v.body(), &body[..]);
            if fcs { prop_assert_eq!(v.verify_fcs(), Some(true)); }
        }

        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 10..64),
                        fcs: bool, pad: bool, swapped: bool) {
            let opts = WlanOptions { has_fcs: fcs, data_pad: pad, swapped_fc: swapped };
            let v = WlanView::with_options(&bytes, opts).unwrap();
            assert_ranges_within(FIELDS, bytes.len(), |i, out| {
                v.field(Field::from_index(i).unwrap(), out)
            });
            assert!(v.header_len() <= bytes.len());
            let _ = (v.next_layer(), v.payload(), v.verify_fcs(), v.msdus().count());
            let mut t = String::new();
            v.title(&mut t);
        }
    }
}
