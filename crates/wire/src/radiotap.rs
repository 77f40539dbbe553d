//! Radiotap (link type 127): the de facto standard header that 802.11
//! capture drivers put in front of each frame to describe how it was
//! received or sent.
//!
//! Eight little-endian bytes at least: version (0), pad, header length
//! (`it_len`, the whole radiotap header) and a 32-bit `present` bitmap;
//! bit 31 of a bitmap word says another word follows. The fields that the
//! bitmaps name follow the last word in bit order, each aligned to its
//! natural alignment relative to the start of the header. Bit 29 of a word
//! starts a new radiotap namespace with the next word, bit 30 a vendor
//! namespace (whose data opens with a 6-byte, 2-aligned header: OUI,
//! sub-namespace, skip length). The 802.11 frame starts at `it_len`.
//!
//! The Flags field (bit 1) says whether the frame ends with its FCS (0x10)
//! and whether the 802.11 header is padded to 32 bits (0x20); the
//! dissector passes both on to [`crate::wlan::WlanView`].
//!
//! As tshark: a header length below 8 or past the captured bytes stops
//! dissection after this layer; a bitmap that does not end inside the
//! header, an unknown field (a TLV, a bit of a second word of the same
//! radiotap namespace) or a field past the header ends the walk over the
//! fields, but the 802.11 frame is still dissected.

use crate::bytes::{le16, le32, u8_at};
use crate::error::{need, Error};
use crate::field::{FieldSink, Kind, Value};
use crate::field_table;
use crate::next::NextLayer;
use std::ops::Range;

/// Byte ranges of the fixed header's fields.
mod at {
    use std::ops::Range;
    pub const VERSION: Range<usize> = 0..1;
    pub const PAD: Range<usize> = 1..2;
    pub const LEN: Range<usize> = 2..4;
    pub const PRESENT: usize = 4;
    pub const HEADER_LEN: usize = 8;
}

/// pcap's link-layer header type for radiotap.
pub const LINKTYPE_RADIOTAP: u32 = 127;

/// Bits of a present word (bit numbers of the radiotap namespace).
pub mod bit {
    pub const TSFT: u32 = 0;
    pub const FLAGS: u32 = 1;
    pub const RATE: u32 = 2;
    pub const CHANNEL: u32 = 3;
    pub const FHSS: u32 = 4;
    pub const DBM_ANTSIGNAL: u32 = 5;
    pub const DBM_ANTNOISE: u32 = 6;
    pub const LOCK_QUALITY: u32 = 7;
    pub const TX_ATTENUATION: u32 = 8;
    pub const DB_TX_ATTENUATION: u32 = 9;
    pub const DBM_TX_POWER: u32 = 10;
    pub const ANTENNA: u32 = 11;
    pub const DB_ANTSIGNAL: u32 = 12;
    pub const DB_ANTNOISE: u32 = 13;
    pub const RX_FLAGS: u32 = 14;
    pub const TX_FLAGS: u32 = 15;
    pub const RTS_RETRIES: u32 = 16;
    pub const DATA_RETRIES: u32 = 17;
    pub const XCHANNEL: u32 = 18;
    pub const MCS: u32 = 19;
    pub const AMPDU: u32 = 20;
    pub const VHT: u32 = 21;
    pub const TIMESTAMP: u32 = 22;
    pub const HE: u32 = 23;
    pub const HE_MU: u32 = 24;
    pub const HE_MU_USER: u32 = 25;
    pub const ZERO_LEN_PSDU: u32 = 26;
    pub const LSIG: u32 = 27;
    pub const TLV: u32 = 28;
    pub const RADIOTAP_NS: u32 = 29;
    pub const VENDOR_NS: u32 = 30;
    pub const EXT: u32 = 31;
}

/// Bits of the Flags field.
pub mod flags {
    pub const CFP: u8 = 0x01;
    pub const SHORT_PREAMBLE: u8 = 0x02;
    pub const WEP: u8 = 0x04;
    pub const FRAG: u8 = 0x08;
    /// The frame ends with its 4-byte FCS.
    pub const FCS: u8 = 0x10;
    /// The 802.11 header is padded to a multiple of 4 bytes.
    pub const DATA_PAD: u8 = 0x20;
    pub const BAD_FCS: u8 = 0x40;
    pub const SHORT_GI: u8 = 0x80;
}

/// Alignment and size of the fields of the radiotap namespace, by bit;
/// `None` for fields whose size is not fixed (TLVs) or not known.
const ALIGN_SIZE: [Option<(usize, usize)>; 29] = [
    Some((8, 8)),  // TSFT
    Some((1, 1)),  // Flags
    Some((1, 1)),  // Rate
    Some((2, 4)),  // Channel
    Some((2, 2)),  // FHSS
    Some((1, 1)),  // dBm antenna signal
    Some((1, 1)),  // dBm antenna noise
    Some((2, 2)),  // Lock quality
    Some((2, 2)),  // TX attenuation
    Some((2, 2)),  // dB TX attenuation
    Some((1, 1)),  // dBm TX power
    Some((1, 1)),  // Antenna
    Some((1, 1)),  // dB antenna signal
    Some((1, 1)),  // dB antenna noise
    Some((2, 2)),  // RX flags
    Some((2, 2)),  // TX flags
    Some((1, 1)),  // RTS retries
    Some((1, 1)),  // data retries
    Some((4, 8)),  // XChannel
    Some((1, 3)),  // MCS
    Some((4, 8)),  // A-MPDU status
    Some((2, 12)), // VHT
    Some((8, 12)), // timestamp
    Some((2, 12)), // HE
    Some((2, 12)), // HE-MU
    Some((2, 6)),  // HE-MU-other-user
    Some((1, 1)),  // 0-length PSDU
    Some((2, 4)),  // L-SIG
    None,          // TLVs
];

field_table! {
    Version: "radiotap.version", "Header revision", Kind::Dec;
    Pad: "radiotap.pad", "Header pad", Kind::Dec;
    Length: "radiotap.length", "Header length", Kind::Dec;
    PresentWord: "radiotap.present.word", "Present flags word", Kind::Hex(8);
    PresentTsft: "radiotap.present.tsft", "TSFT", Kind::Bool;
    PresentFlags: "radiotap.present.flags", "Flags", Kind::Bool;
    PresentRate: "radiotap.present.rate", "Rate", Kind::Bool;
    PresentChannel: "radiotap.present.channel", "Channel", Kind::Bool;
    PresentFhss: "radiotap.present.fhss", "FHSS", Kind::Bool;
    PresentDbmAntsignal: "radiotap.present.dbm_antsignal", "dBm Antenna Signal", Kind::Bool;
    PresentDbmAntnoise: "radiotap.present.dbm_antnoise", "dBm Antenna Noise", Kind::Bool;
    PresentLockQuality: "radiotap.present.lock_quality", "Lock Quality", Kind::Bool;
    PresentTxAttenuation: "radiotap.present.tx_attenuation", "TX Attenuation", Kind::Bool;
    PresentDbTxAttenuation: "radiotap.present.db_tx_attenuation", "dB TX Attenuation", Kind::Bool;
    PresentDbmTxPower: "radiotap.present.dbm_tx_power", "dBm TX Power", Kind::Bool;
    PresentAntenna: "radiotap.present.antenna", "Antenna", Kind::Bool;
    PresentDbAntsignal: "radiotap.present.db_antsignal", "dB Antenna Signal", Kind::Bool;
    PresentDbAntnoise: "radiotap.present.db_antnoise", "dB Antenna Noise", Kind::Bool;
    PresentRxflags: "radiotap.present.rxflags", "RX flags", Kind::Bool;
    PresentTxflags: "radiotap.present.txflags", "TX flags", Kind::Bool;
    PresentDataRetries: "radiotap.present.data_retries", "data retries", Kind::Bool;
    PresentXchannel: "radiotap.present.xchannel", "Channel+", Kind::Bool;
    PresentMcs: "radiotap.present.mcs", "MCS information", Kind::Bool;
    PresentAmpdu: "radiotap.present.ampdu", "A-MPDU Status", Kind::Bool;
    PresentVht: "radiotap.present.vht", "VHT information", Kind::Bool;
    PresentTimestamp: "radiotap.present.timestamp", "frame timestamp", Kind::Bool;
    PresentHe: "radiotap.present.he", "HE information", Kind::Bool;
    PresentHeMu: "radiotap.present.he_mu", "HE-MU information", Kind::Bool;
    Present0LengthPsdu: "radiotap.present.0_length.psdu", "0 Length PSDU", Kind::Bool;
    PresentLSig: "radiotap.present.l_sig", "L-SIG", Kind::Bool;
    PresentTlv: "radiotap.present.tlv", "TLVs", Kind::Bool;
    PresentRtapNs: "radiotap.present.rtap_ns", "Radiotap NS next", Kind::Bool;
    PresentVendorNs: "radiotap.present.vendor_ns", "Vendor NS next", Kind::Bool;
    PresentExt: "radiotap.present.ext", "Ext", Kind::Bool;
    Flags: "radiotap.flags", "Flags", Kind::Hex(2);
    FlagsCfp: "radiotap.flags.cfp", "CFP", Kind::Bool;
    FlagsPreamble: "radiotap.flags.preamble", "Preamble", Kind::Bool;
    FlagsWep: "radiotap.flags.wep", "WEP", Kind::Bool;
    FlagsFrag: "radiotap.flags.frag", "Fragmentation", Kind::Bool;
    FlagsFcs: "radiotap.flags.fcs", "FCS at end", Kind::Bool;
    FlagsDatapad: "radiotap.flags.datapad", "Data Pad", Kind::Bool;
    FlagsBadfcs: "radiotap.flags.badfcs", "Bad FCS", Kind::Bool;
    FlagsShortgi: "radiotap.flags.shortgi", "Short GI", Kind::Bool;
    Mactime: "radiotap.mactime", "MAC timestamp", Kind::Dec;
    Datarate: "radiotap.datarate", "Data rate (Mb/s)", Kind::Float;
    ChannelFreq: "radiotap.channel.freq", "Channel frequency", Kind::Dec;
    ChannelFlags: "radiotap.channel.flags", "Channel flags", Kind::Hex(4);
    ChannelFlags700mhz: "radiotap.channel.flags.700mhz", "700 MHz spectrum", Kind::Bool;
    ChannelFlags800mhz: "radiotap.channel.flags.800mhz", "800 MHz spectrum", Kind::Bool;
    ChannelFlags900mhz: "radiotap.channel.flags.900mhz", "900 MHz spectrum", Kind::Bool;
    ChannelFlagsTurbo: "radiotap.channel.flags.turbo", "Turbo", Kind::Bool;
    ChannelFlagsCck: "radiotap.channel.flags.cck", "Complementary Code Keying (CCK)", Kind::Bool;
    ChannelFlagsOfdm: "radiotap.channel.flags.ofdm", "Orthogonal Frequency-Division Multiplexing (OFDM)", Kind::Bool;
    ChannelFlags2ghz: "radiotap.channel.flags.2ghz", "2 GHz spectrum", Kind::Bool;
    ChannelFlags5ghz: "radiotap.channel.flags.5ghz", "5 GHz spectrum", Kind::Bool;
    ChannelFlagsPassive: "radiotap.channel.flags.passive", "Passive", Kind::Bool;
    ChannelFlagsDynamic: "radiotap.channel.flags.dynamic", "Dynamic CCK-OFDM", Kind::Bool;
    ChannelFlagsGfsk: "radiotap.channel.flags.gfsk", "Gaussian Frequency Shift Keying (GFSK)", Kind::Bool;
    ChannelFlagsGsm: "radiotap.channel.flags.gsm", "GSM (900MHz)", Kind::Bool;
    ChannelFlagsSturbo: "radiotap.channel.flags.sturbo", "Static Turbo", Kind::Bool;
    ChannelFlagsHalf: "radiotap.channel.flags.half", "Half Rate Channel (10MHz Channel Width)", Kind::Bool;
    ChannelFlagsQuarter: "radiotap.channel.flags.quarter", "Quarter Rate Channel (5MHz Channel Width)", Kind::Bool;
    FhssHopset: "radiotap.fhss.hopset", "FHSS Hop Set", Kind::Dec;
    FhssPattern: "radiotap.fhss.pattern", "FHSS Pattern", Kind::Dec;
    DbmAntsignal: "radiotap.dbm_antsignal", "Antenna signal", Kind::Signed;
    DbmAntnoise: "radiotap.dbm_antnoise", "Antenna noise", Kind::Signed;
    Quality: "radiotap.quality", "Signal Quality", Kind::Dec;
    Txattenuation: "radiotap.txattenuation", "TX attenuation", Kind::Dec;
    DbTxattenuation: "radiotap.db_txattenuation", "dB TX attenuation", Kind::Dec;
    Txpower: "radiotap.txpower", "Transmit power", Kind::Signed;
    Antenna: "radiotap.antenna", "Antenna", Kind::Dec;
    DbAntsignal: "radiotap.db_antsignal", "dB antenna signal", Kind::Dec;
    DbAntnoise: "radiotap.db_antnoise", "dB antenna noise", Kind::Dec;
    Rxflags: "radiotap.rxflags", "RX flags", Kind::Hex(4);
    RxflagsBadplcp: "radiotap.rxflags.badplcp", "Bad PLCP", Kind::Bool;
    Txflags: "radiotap.txflags", "TX flags", Kind::Hex(4);
    DataRetries: "radiotap.data_retries", "data retries", Kind::Dec;
    XchannelFlags: "radiotap.xchannel.flags", "Channel flags", Kind::Hex(8);
    XchannelFreq: "radiotap.xchannel.freq", "Channel frequency", Kind::Dec;
    XchannelChannel: "radiotap.xchannel.channel", "Channel number", Kind::Dec;
    McsKnown: "radiotap.mcs.known", "Known MCS information", Kind::Hex(2);
    McsHaveBw: "radiotap.mcs.have_bw", "Bandwidth", Kind::Bool;
    McsHaveIndex: "radiotap.mcs.have_index", "MCS index", Kind::Bool;
    McsHaveGi: "radiotap.mcs.have_gi", "Guard interval", Kind::Bool;
    McsHaveFormat: "radiotap.mcs.have_format", "Format", Kind::Bool;
    McsHaveFec: "radiotap.mcs.have_fec", "FEC type", Kind::Bool;
    McsHaveStbc: "radiotap.mcs.have_stbc", "STBC streams", Kind::Bool;
    McsHaveNess: "radiotap.mcs.have_ness", "Number of extension spatial streams", Kind::Bool;
    McsBw: "radiotap.mcs.bw", "Bandwidth", Kind::Dec;
    McsGi: "radiotap.mcs.gi", "Guard interval", Kind::Dec;
    McsFormat: "radiotap.mcs.format", "Format", Kind::Dec;
    McsFec: "radiotap.mcs.fec", "FEC type", Kind::Dec;
    McsStbc: "radiotap.mcs.stbc", "STBC streams", Kind::Dec;
    McsIndex: "radiotap.mcs.index", "MCS index", Kind::Dec;
    AmpduReference: "radiotap.ampdu.reference", "A-MPDU reference number", Kind::Dec;
    AmpduFlags: "radiotap.ampdu.flags", "A-MPDU flags", Kind::Hex(4);
    TimestampTs: "radiotap.timestamp.ts", "timestamp", Kind::Dec;
    VendorOui: "radiotap.vendor_oui", "Vendor OUI", Kind::Dec;
    VendorSubns: "radiotap.vendor_subns", "Vendor sub namespace", Kind::Dec;
    VendorDataLen: "radiotap.vendor_data_len", "Vendor data length", Kind::Dec;
}

/// One field found by walking the present bitmaps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Item {
    /// A field of the radiotap namespace: its bit and where its data lies.
    Field { bit: u32, off: usize, size: usize },
    /// A vendor namespace: where its 6-byte header lies and how many bytes
    /// of vendor data follow it.
    Vendor { off: usize, skip: usize },
}

/// Which namespace each present word belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ns {
    /// The first word of a radiotap namespace (bits 0..28 are fields).
    RadiotapFirst,
    /// A later word of a radiotap namespace.
    RadiotapMore,
    /// The first word of a vendor namespace (its data has a header).
    VendorFirst,
    VendorMore,
}

impl Ns {
    /// The namespace of the word after word `w` of this one.
    fn next(self, w: u32) -> Ns {
        if w & (1 << bit::RADIOTAP_NS) != 0 {
            Ns::RadiotapFirst
        } else if w & (1 << bit::VENDOR_NS) != 0 {
            Ns::VendorFirst
        } else {
            match self {
                Ns::RadiotapFirst | Ns::RadiotapMore => Ns::RadiotapMore,
                Ns::VendorFirst | Ns::VendorMore => Ns::VendorMore,
            }
        }
    }
}

/// A view over a radiotap header and the 802.11 frame it carries.
#[derive(Clone, Copy, Debug)]
pub struct RadiotapView<'a> {
    bytes: &'a [u8],
    /// `it_len` when it is sane (at least 8 and within the bytes), else 0.
    hdr_len: usize,
    /// The number of present words, when the bitmap ends inside the header.
    words: Option<usize>,
}

impl<'a> RadiotapView<'a> {
    pub const MIN_HEADER_LEN: usize = at::HEADER_LEN;

    /// A view over `bytes`, which must hold the fixed 8 bytes. A header
    /// length below 8 or past the end still makes a view (tshark shows the
    /// fixed fields), whose [`RadiotapView::next_layer`] is `Done`.
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        need(bytes, at::HEADER_LEN)?;
        let it_len = usize::from(le16(bytes, at::LEN.start).unwrap_or(0));
        let sane = it_len >= at::HEADER_LEN && it_len <= bytes.len();
        let hdr_len = if sane { it_len } else { 0 };
        let mut words = None;
        if sane {
            let mut off = at::PRESENT;
            let mut n = 0;
            while off + 4 <= hdr_len {
                let w = le32(bytes, off).unwrap_or(0);
                n += 1;
                off += 4;
                if w & (1 << bit::EXT) == 0 {
                    words = Some(n);
                    break;
                }
            }
        }
        Ok(RadiotapView {
            bytes,
            hdr_len,
            words,
        })
    }

    pub fn version(&self) -> u8 {
        u8_at(self.bytes, at::VERSION.start).unwrap_or(0)
    }

    pub fn pad(&self) -> u8 {
        u8_at(self.bytes, at::PAD.start).unwrap_or(0)
    }

    /// The header length field (`it_len`).
    pub fn length(&self) -> u16 {
        le16(self.bytes, at::LEN.start).unwrap_or(0)
    }

    /// Whether the header length is usable (at least 8, within the bytes).
    pub fn is_sane(&self) -> bool {
        self.hdr_len != 0
    }

    /// The present words, when the bitmap ends inside the header.
    pub fn present_words(&self) -> impl Iterator<Item = u32> + 'a {
        let bytes = self.bytes;
        (0..self.words.unwrap_or(0)).map(move |k| le32(bytes, at::PRESENT + 4 * k).unwrap_or(0))
    }

    /// The first present word (0 when the header is not sane).
    pub fn present(&self) -> u32 {
        if self.is_sane() {
            le32(self.bytes, at::PRESENT).unwrap_or(0)
        } else {
            0
        }
    }

    /// Visit the fields in order, stopping where tshark stops.
    pub fn walk(&self, visit: &mut dyn FnMut(Item)) {
        let Some(n) = self.words else { return };
        let end = self.hdr_len;
        let mut off = at::PRESENT + 4 * n;
        let mut ns = Ns::RadiotapFirst;
        for k in 0..n {
            let w = le32(self.bytes, at::PRESENT + 4 * k).unwrap_or(0);
            if w & (1 << bit::RADIOTAP_NS) != 0 && w & (1 << bit::VENDOR_NS) != 0 {
                return;
            }
            match ns {
                Ns::RadiotapFirst => {
                    for b in 0..29u32 {
                        if w & (1 << b) == 0 {
                            continue;
                        }
                        let Some((align, size)) = ALIGN_SIZE.get(b as usize).copied().flatten()
                        else {
                            return;
                        };
                        let start = align_up(off, align);
                        if start + size > end {
                            return;
                        }
                        visit(Item::Field {
                            bit: b,
                            off: start,
                            size,
                        });
                        off = start + size;
                    }
                }
                Ns::RadiotapMore => {
                    // Bits 32 and up of the radiotap namespace: unknown.
                    if w & 0x1fff_ffff != 0 {
                        return;
                    }
                }
                Ns::VendorFirst => {
                    // The vendor namespace's data opens with its header.
                    let start = align_up(off, 2);
                    if start + 6 > end {
                        return;
                    }
                    let skip = usize::from(le16(self.bytes, start + 4).unwrap_or(0));
                    visit(Item::Vendor { off: start, skip });
                    off = start + 6 + skip;
                    if off > end {
                        return;
                    }
                }
                Ns::VendorMore => {}
            }
            ns = ns.next(w);
        }
    }

    /// The namespace of each present word, for the bitmap fields.
    fn word_namespaces(&self, visit: &mut dyn FnMut(usize, u32, Ns)) {
        let mut ns = Ns::RadiotapFirst;
        for (k, w) in self.present_words().enumerate() {
            visit(k, w, ns);
            ns = ns.next(w);
        }
    }

    /// Where the first radiotap-namespace field of `b` lies.
    pub fn find(&self, b: u32) -> Option<Range<usize>> {
        let mut got = None;
        self.walk(&mut |it| {
            if let Item::Field { bit, off, size } = it {
                if bit == b && got.is_none() {
                    got = Some(off..off + size);
                }
            }
        });
        got
    }

    fn find_u8(&self, b: u32) -> Option<u8> {
        u8_at(self.bytes, self.find(b)?.start)
    }

    /// The Flags field, if present.
    pub fn flags(&self) -> Option<u8> {
        self.find_u8(bit::FLAGS)
    }

    /// Whether the 802.11 frame ends with its FCS (Flags bit 0x10). When the
    /// frame was cut by the snap length, the FCS is not in the bytes: pass
    /// `has_fcs() && cap_len == orig_len` to [`crate::wlan::WlanView::new`].
    pub fn has_fcs(&self) -> bool {
        self.flags().is_some_and(|f| f & flags::FCS != 0)
    }

    /// Whether the 802.11 header is padded to 32 bits (Flags bit 0x20).
    pub fn data_pad(&self) -> bool {
        self.flags().is_some_and(|f| f & flags::DATA_PAD != 0)
    }

    /// The TSFT (MAC timestamp, microseconds), if present.
    pub fn tsft(&self) -> Option<u64> {
        le64(self.bytes, self.find(bit::TSFT)?.start)
    }

    /// The channel frequency (MHz) and flags, if present.
    pub fn channel(&self) -> Option<(u16, u16)> {
        let o = self.find(bit::CHANNEL)?.start;
        Some((le16(self.bytes, o)?, le16(self.bytes, o + 2)?))
    }

    /// The antenna signal in dBm, if present.
    pub fn dbm_antsignal(&self) -> Option<i8> {
        self.find_u8(bit::DBM_ANTSIGNAL).map(|v| v as i8)
    }

    /// The header length: `it_len`, or all the bytes when it is not sane.
    pub fn header_len(&self) -> usize {
        if self.is_sane() {
            self.hdr_len
        } else {
            self.bytes.len()
        }
    }

    /// The 802.11 frame (FCS included when [`RadiotapView::has_fcs`]).
    pub fn payload(&self) -> &'a [u8] {
        crate::bytes::tail(self.bytes, self.header_len())
    }

    /// An 802.11 frame follows (`Done` when the header length is not sane).
    /// Make it with `WlanView::new(payload, has_fcs())` and
    /// `.with_data_pad(data_pad())`.
    pub fn next_layer(&self) -> NextLayer {
        if self.is_sane() {
            NextLayer::Wlan
        } else {
            NextLayer::Done
        }
    }

    pub fn field(&self, f: Field, out: &mut dyn FieldSink<'a>) {
        match f {
            Field::Version => out.value(Value::UInt(self.version().into()), at::VERSION),
            Field::Pad => out.value(Value::UInt(self.pad().into()), at::PAD),
            Field::Length => out.value(Value::UInt(self.length().into()), at::LEN),
            _ => {}
        }
        if let Some(mask) = present_bit(f) {
            self.word_namespaces(&mut |k, w, ns| {
                let always = mask >= 1 << bit::RADIOTAP_NS;
                if always || ns == Ns::RadiotapFirst {
                    let r = at::PRESENT + 4 * k..at::PRESENT + 4 * k + 4;
                    out.value(Value::Bool(w & mask != 0), r)
                }
            });
            return;
        }
        if f == Field::PresentWord {
            for (k, w) in self.present_words().enumerate() {
                let r = at::PRESENT + 4 * k..at::PRESENT + 4 * k + 4;
                out.value(Value::UInt(w.into()), r);
            }
            return;
        }
        let b = self.bytes;
        self.walk(&mut |it| match it {
            Item::Field { bit, off, size } => data_field(f, b, bit, off..off + size, out),
            Item::Vendor { off, skip } => {
                let (v, r) = match f {
                    Field::VendorOui => (crate::bytes::be24(b, off).map(u64::from), off..off + 3),
                    Field::VendorSubns => (u8_at(b, off + 3).map(u64::from), off + 3..off + 4),
                    Field::VendorDataLen => (Some(skip as u64), off + 4..off + 6),
                    _ => (None, 0..0),
                };
                if let Some(v) = v {
                    out.value(Value::UInt(v), r)
                }
            }
        });
    }

    /// `Radiotap Header v0, Length 48`.
    pub fn title(&self, out: &mut String) {
        use std::fmt::Write as _;
        let _ = write!(
            out,
            "Radiotap Header v{}, Length {}",
            self.version(),
            self.length()
        );
    }
}

/// The mask of a `radiotap.present.*` bit field.
fn present_bit(f: Field) -> Option<u32> {
    let b = match f {
        Field::PresentTsft => bit::TSFT,
        Field::PresentFlags => bit::FLAGS,
        Field::PresentRate => bit::RATE,
        Field::PresentChannel => bit::CHANNEL,
        Field::PresentFhss => bit::FHSS,
        Field::PresentDbmAntsignal => bit::DBM_ANTSIGNAL,
        Field::PresentDbmAntnoise => bit::DBM_ANTNOISE,
        Field::PresentLockQuality => bit::LOCK_QUALITY,
        Field::PresentTxAttenuation => bit::TX_ATTENUATION,
        Field::PresentDbTxAttenuation => bit::DB_TX_ATTENUATION,
        Field::PresentDbmTxPower => bit::DBM_TX_POWER,
        Field::PresentAntenna => bit::ANTENNA,
        Field::PresentDbAntsignal => bit::DB_ANTSIGNAL,
        Field::PresentDbAntnoise => bit::DB_ANTNOISE,
        Field::PresentRxflags => bit::RX_FLAGS,
        Field::PresentTxflags => bit::TX_FLAGS,
        Field::PresentDataRetries => bit::DATA_RETRIES,
        Field::PresentXchannel => bit::XCHANNEL,
        Field::PresentMcs => bit::MCS,
        Field::PresentAmpdu => bit::AMPDU,
        Field::PresentVht => bit::VHT,
        Field::PresentTimestamp => bit::TIMESTAMP,
        Field::PresentHe => bit::HE,
        Field::PresentHeMu => bit::HE_MU,
        Field::Present0LengthPsdu => bit::ZERO_LEN_PSDU,
        Field::PresentLSig => bit::LSIG,
        Field::PresentTlv => bit::TLV,
        Field::PresentRtapNs => bit::RADIOTAP_NS,
        Field::PresentVendorNs => bit::VENDOR_NS,
        Field::PresentExt => bit::EXT,
        _ => return None,
    };
    Some(1 << b)
}

/// The occurrences of `f` in the data of the field of bit `b` at `r`.
fn data_field<'a>(f: Field, bytes: &'a [u8], b: u32, r: Range<usize>, out: &mut dyn FieldSink<'a>) {
    let o = r.start;
    let u8v = |off: usize| u64::from(u8_at(bytes, off).unwrap_or(0));
    let i8v = |off: usize| i64::from(u8_at(bytes, off).unwrap_or(0) as i8);
    let u16v = |off: usize| u64::from(le16(bytes, off).unwrap_or(0));
    let u32v = |off: usize| u64::from(le32(bytes, off).unwrap_or(0));
    let sub = |s: usize, n: usize| o + s..o + s + n;
    match (b, f) {
        (bit::TSFT, Field::Mactime) => out.value(Value::UInt(le64(bytes, o).unwrap_or(0)), r),
        (bit::FLAGS, _) => {
            let fl = u8v(o) as u8;
            let m = match f {
                Field::Flags => return out.value(Value::UInt(fl.into()), r),
                Field::FlagsCfp => flags::CFP,
                Field::FlagsPreamble => flags::SHORT_PREAMBLE,
                Field::FlagsWep => flags::WEP,
                Field::FlagsFrag => flags::FRAG,
                Field::FlagsFcs => flags::FCS,
                Field::FlagsDatapad => flags::DATA_PAD,
                Field::FlagsBadfcs => flags::BAD_FCS,
                Field::FlagsShortgi => flags::SHORT_GI,
                _ => return,
            };
            out.value(Value::Bool(fl & m != 0), r)
        }
        (bit::RATE, Field::Datarate) => out.value(Value::Float(u8v(o) as f64 / 2.0), r),
        (bit::CHANNEL, Field::ChannelFreq) => out.value(Value::UInt(u16v(o)), sub(0, 2)),
        (bit::CHANNEL, _) => {
            let fl = u16v(o + 2);
            let m: u64 = match f {
                Field::ChannelFlags => return out.value(Value::UInt(fl), sub(2, 2)),
                Field::ChannelFlags700mhz => 0x1,
                Field::ChannelFlags800mhz => 0x2,
                Field::ChannelFlags900mhz => 0x4,
                Field::ChannelFlagsTurbo => 0x10,
                Field::ChannelFlagsCck => 0x20,
                Field::ChannelFlagsOfdm => 0x40,
                Field::ChannelFlags2ghz => 0x80,
                Field::ChannelFlags5ghz => 0x100,
                Field::ChannelFlagsPassive => 0x200,
                Field::ChannelFlagsDynamic => 0x400,
                Field::ChannelFlagsGfsk => 0x800,
                Field::ChannelFlagsGsm => 0x1000,
                Field::ChannelFlagsSturbo => 0x2000,
                Field::ChannelFlagsHalf => 0x4000,
                Field::ChannelFlagsQuarter => 0x8000,
                _ => return,
            };
            out.value(Value::Bool(fl & m != 0), sub(2, 2))
        }
        (bit::FHSS, Field::FhssHopset) => out.value(Value::UInt(u8v(o)), sub(0, 1)),
        (bit::FHSS, Field::FhssPattern) => out.value(Value::UInt(u8v(o + 1)), sub(1, 1)),
        (bit::DBM_ANTSIGNAL, Field::DbmAntsignal) => out.value(Value::Int(i8v(o)), r),
        (bit::DBM_ANTNOISE, Field::DbmAntnoise) => out.value(Value::Int(i8v(o)), r),
        (bit::LOCK_QUALITY, Field::Quality) => out.value(Value::UInt(u16v(o)), r),
        (bit::TX_ATTENUATION, Field::Txattenuation) => out.value(Value::UInt(u16v(o)), r),
        (bit::DB_TX_ATTENUATION, Field::DbTxattenuation) => out.value(Value::UInt(u16v(o)), r),
        (bit::DBM_TX_POWER, Field::Txpower) => out.value(Value::Int(i8v(o)), r),
        (bit::ANTENNA, Field::Antenna) => out.value(Value::UInt(u8v(o)), r),
        (bit::DB_ANTSIGNAL, Field::DbAntsignal) => out.value(Value::UInt(u8v(o)), r),
        (bit::DB_ANTNOISE, Field::DbAntnoise) => out.value(Value::UInt(u8v(o)), r),
        (bit::RX_FLAGS, Field::Rxflags) => out.value(Value::UInt(u16v(o)), r),
        (bit::RX_FLAGS, Field::RxflagsBadplcp) => out.value(Value::Bool(u16v(o) & 2 != 0), r),
        (bit::TX_FLAGS, Field::Txflags) => out.value(Value::UInt(u16v(o)), r),
        (bit::DATA_RETRIES, Field::DataRetries) => out.value(Value::UInt(u8v(o)), r),
        (bit::XCHANNEL, Field::XchannelFlags) => out.value(Value::UInt(u32v(o)), sub(0, 4)),
        (bit::XCHANNEL, Field::XchannelFreq) => out.value(Value::UInt(u16v(o + 4)), sub(4, 2)),
        (bit::XCHANNEL, Field::XchannelChannel) => out.value(Value::UInt(u8v(o + 6)), sub(6, 1)),
        (bit::MCS, _) => mcs_field(f, bytes, o, out),
        (bit::AMPDU, Field::AmpduReference) => out.value(Value::UInt(u32v(o)), sub(0, 4)),
        (bit::AMPDU, Field::AmpduFlags) => out.value(Value::UInt(u16v(o + 4)), sub(4, 2)),
        (bit::TIMESTAMP, Field::TimestampTs) => {
            out.value(Value::UInt(le64(bytes, o).unwrap_or(0)), sub(0, 8))
        }
        _ => {}
    }
}

/// The MCS field: known bits, flags, index, and the data rate tshark
/// computes when bandwidth, index and guard interval are all known.
fn mcs_field<'a>(f: Field, bytes: &'a [u8], o: usize, out: &mut dyn FieldSink<'a>) {
    let known = u8_at(bytes, o).unwrap_or(0);
    let fl = u8_at(bytes, o + 1).unwrap_or(0);
    let mcs = u8_at(bytes, o + 2).unwrap_or(0);
    let k = o..o + 1;
    let fr = o + 1..o + 2;
    let have = |m: u8| known & m != 0;
    match f {
        Field::McsKnown => out.value(Value::UInt(known.into()), k),
        Field::McsHaveBw => out.value(Value::Bool(have(0x01)), k),
        Field::McsHaveIndex => out.value(Value::Bool(have(0x02)), k),
        Field::McsHaveGi => out.value(Value::Bool(have(0x04)), k),
        Field::McsHaveFormat => out.value(Value::Bool(have(0x08)), k),
        Field::McsHaveFec => out.value(Value::Bool(have(0x10)), k),
        Field::McsHaveStbc => out.value(Value::Bool(have(0x20)), k),
        Field::McsHaveNess => out.value(Value::Bool(have(0x40)), k),
        Field::McsBw if have(0x01) => out.value(Value::UInt((fl & 3).into()), fr),
        Field::McsGi if have(0x04) => out.value(Value::UInt(((fl >> 2) & 1).into()), fr),
        Field::McsFormat if have(0x08) => out.value(Value::UInt(((fl >> 3) & 1).into()), fr),
        Field::McsFec if have(0x10) => out.value(Value::UInt(((fl >> 4) & 1).into()), fr),
        Field::McsStbc if have(0x20) => out.value(Value::UInt(((fl >> 5) & 3).into()), fr),
        Field::McsIndex if have(0x02) => out.value(Value::UInt(mcs.into()), o + 2..o + 3),
        Field::Datarate if have(0x01) && have(0x02) && have(0x04) => {
            if let Some(rate) = ht_rate(mcs, fl & 3 == 1, fl & 4 != 0) {
                out.value(Value::Float(rate), o..o + 3)
            }
        }
        _ => {}
    }
}

/// The 802.11n data rate in Mb/s of MCS 0..=31, rounded to the six
/// significant digits tshark prints.
pub fn ht_rate(mcs: u8, bw40: bool, short_gi: bool) -> Option<f64> {
    const BITS20: [u32; 8] = [26, 52, 78, 104, 156, 208, 234, 260];
    const BITS40: [u32; 8] = [54, 108, 162, 216, 324, 432, 486, 540];
    if mcs >= 32 {
        return None;
    }
    let streams = u32::from(mcs / 8) + 1;
    let per = if bw40 { BITS40 } else { BITS20 };
    let bits = f64::from(per.get(usize::from(mcs % 8))? * streams);
    let symbol_us = if short_gi { 3.6 } else { 4.0 };
    Some(round_sig6(bits / symbol_us))
}

/// `x` rounded to six significant digits (C's `%g`).
fn round_sig6(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let digits = 5 - x.abs().log10().floor() as i32;
    let p = 10f64.powi(digits);
    (x * p).round() / p
}

fn align_up(off: usize, align: usize) -> usize {
    off.div_ceil(align) * align
}

fn le64(b: &[u8], off: usize) -> Option<u64> {
    let lo = le32(b, off)?;
    let hi = le32(b, off.checked_add(4)?)?;
    Some((u64::from(hi) << 32) | u64::from(lo))
}

/// The plain values of a radiotap header with the common fields, for
/// building. `emit` sets the present bits, aligns the fields and writes
/// the header length.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RadiotapRepr {
    pub tsft: Option<u64>,
    pub flags: Option<u8>,
    /// In 500 kb/s units.
    pub rate: Option<u8>,
    /// Frequency (MHz) and channel flags.
    pub channel: Option<(u16, u16)>,
    pub dbm_antsignal: Option<i8>,
    pub dbm_antnoise: Option<i8>,
    pub antenna: Option<u8>,
}

impl RadiotapRepr {
    pub fn parse(v: &RadiotapView) -> Self {
        RadiotapRepr {
            tsft: v.tsft(),
            flags: v.flags(),
            rate: v.find_u8(bit::RATE),
            channel: v.channel(),
            dbm_antsignal: v.dbm_antsignal(),
            dbm_antnoise: v.find_u8(bit::DBM_ANTNOISE).map(|x| x as i8),
            antenna: v.find_u8(bit::ANTENNA),
        }
    }

    /// Append the header to `buf` (version 0, one present word).
    pub fn emit(&self, buf: &mut Vec<u8>) {
        let start = buf.len();
        buf.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0]);
        let mut present = 0u32;
        let mut put = |buf: &mut Vec<u8>, b: u32, align: usize, data: &[u8]| {
            present |= 1 << b;
            let rel = buf.len() - start;
            buf.resize(start + align_up(rel, align), 0);
            buf.extend_from_slice(data);
        };
        if let Some(t) = self.tsft {
            put(buf, bit::TSFT, 8, &t.to_le_bytes());
        }
        if let Some(f) = self.flags {
            put(buf, bit::FLAGS, 1, &[f]);
        }
        if let Some(r) = self.rate {
            put(buf, bit::RATE, 1, &[r]);
        }
        if let Some((freq, fl)) = self.channel {
            let mut d = freq.to_le_bytes().to_vec();
            d.extend_from_slice(&fl.to_le_bytes());
            put(buf, bit::CHANNEL, 2, &d);
        }
        if let Some(s) = self.dbm_antsignal {
            put(buf, bit::DBM_ANTSIGNAL, 1, &[s as u8]);
        }
        if let Some(s) = self.dbm_antnoise {
            put(buf, bit::DBM_ANTNOISE, 1, &[s as u8]);
        }
        if let Some(a) = self.antenna {
            put(buf, bit::ANTENNA, 1, &[a]);
        }
        let len = u16::try_from(buf.len() - start).unwrap_or(u16::MAX);
        if let Some(h) = buf.get_mut(start + 2..start + 8) {
            h[..2].copy_from_slice(&len.to_le_bytes());
            h[2..].copy_from_slice(&present.to_le_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_ranges_within, values_checked};
    use proptest::prelude::*;

    /// The 48-byte radiotap header of frame 1 of zeek__radiotap.pcap (TSFT,
    /// Flags with FCS, Channel, signal, noise, antenna, Channel+, MCS,
    /// A-MPDU), and the first bytes of the QoS data frame after it.
    const RT48: [u8; 52] = [
        0x00, 0x00, 0x30, 0x00, 0x6b, 0x08, 0x1c, 0x00, 0xe1, 0x61, 0x56, 0x56, 0x00, 0x00, 0x00,
        0x00, 0x10, 0x00, 0xa4, 0x15, 0x40, 0x01, 0xb6, 0xa3, 0x01, 0x4e, 0x34, 0x97, 0x40, 0x01,
        0x01, 0x00, 0xa4, 0x15, 0x6c, 0x22, 0x1f, 0x01, 0x07, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x88, 0x01, 0x2c, 0x00,
    ];

    /// The 48-byte header of scapy__bad_rsn_parsing_overrides_ssid.pcap:
    /// four present words, three radiotap namespaces (one signal each).
    const RT_MULTI_NS: [u8; 48] = [
        0x00, 0x00, 0x30, 0x00, 0x2f, 0x40, 0x00, 0xa0, 0x20, 0x08, 0x00, 0xa0, 0x20, 0x08, 0x00,
        0xa0, 0x20, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0b, 0x70, 0x69, 0x6e, 0x3b, 0x25,
        0xed, 0x4e, 0x10, 0x0c, 0x6c, 0x09, 0xc0, 0x00, 0xce, 0x00, 0x00, 0x00, 0xb2, 0x00, 0xbd,
        0x01, 0xce, 0x02,
    ];

    fn fields(v: &RadiotapView, f: Field) -> String {
        values_checked(
            FIELDS[f as usize].kind,
            |out| v.field(f, out),
            |r| assert!(r.end <= v.header_len()),
        )
        .join(",")
    }

    #[test]
    fn reads_a_real_header_as_tshark() {
        let v = RadiotapView::new(&RT48).unwrap();
        // tshark -T fields for this frame.
        let want = [
            (Field::Version, "0"),
            (Field::Pad, "0"),
            (Field::Length, "48"),
            (Field::PresentWord, "0x001c086b"),
            (Field::PresentTsft, "1"),
            (Field::PresentRate, "0"),
            (Field::PresentExt, "0"),
            (Field::Flags, "0x10"),
            (Field::FlagsFcs, "1"),
            (Field::FlagsDatapad, "0"),
            (Field::Mactime, "1448501729"),
            (Field::Datarate, "135"),
            (Field::ChannelFreq, "5540"),
            (Field::ChannelFlags, "0x0140"),
            (Field::ChannelFlagsOfdm, "1"),
            (Field::ChannelFlags5ghz, "1"),
            (Field::DbmAntsignal, "-74"),
            (Field::DbmAntnoise, "-93"),
            (Field::Antenna, "1"),
            (Field::Rxflags, ""),
            (Field::XchannelFlags, "0x00010140"),
            (Field::XchannelFreq, "5540"),
            (Field::XchannelChannel, "108"),
            (Field::McsKnown, "0x1f"),
            (Field::McsBw, "1"),
            (Field::McsIndex, "7"),
            (Field::AmpduReference, "1"),
            (Field::AmpduFlags, "0x0000"),
        ];
        for (f, s) in want {
            assert_eq!(fields(&v, f), s, "{f:?}");
        }
        assert!(v.has_fcs());
        assert!(!v.data_pad());
        assert_eq!(v.header_len(), 48);
        assert_eq!(v.next_layer(), NextLayer::Wlan);
        assert_eq!(v.payload(), &[0x88, 0x01, 0x2c, 0x00]);
        assert_eq!(v.tsft(), Some(1448501729));
        assert_eq!(v.channel(), Some((5540, 0x0140)));
        let mut t = String::new();
        v.title(&mut t);
        assert_eq!(t, "Radiotap Header v0, Length 48");
    }

    #[test]
    fn several_namespaces_as_tshark() {
        let v = RadiotapView::new(&RT_MULTI_NS).unwrap();
        assert_eq!(
            fields(&v, Field::PresentWord),
            "0xa000402f,0xa0000820,0xa0000820,0x00000820"
        );
        assert_eq!(fields(&v, Field::PresentTsft), "1,0,0,0");
        assert_eq!(fields(&v, Field::PresentExt), "1,1,1,0");
        assert_eq!(fields(&v, Field::DbmAntsignal), "-50,-78,-67,-50");
        assert_eq!(fields(&v, Field::Antenna), "0,1,2");
        assert_eq!(fields(&v, Field::Mactime), "5687242841624506379");
        assert_eq!(fields(&v, Field::Datarate), "6");
        assert_eq!(fields(&v, Field::ChannelFreq), "2412");
        assert_eq!(fields(&v, Field::ChannelFlags), "0x00c0");
        assert_eq!(fields(&v, Field::Rxflags), "0x0000");
        assert!(v.has_fcs());
    }

    #[test]
    fn vendor_namespace_and_mcs_rates() {
        // Checked with tshark 4.0: word 0 (TSFT, Flags, vendor next), a
        // vendor word (radiotap next), word 2 (signal, antenna).
        let mut h = vec![0u8, 0, 37, 0];
        for w in [0xc000_0003u32, 0xa000_0001, 0x0000_0820] {
            h.extend_from_slice(&w.to_le_bytes());
        }
        h.extend_from_slice(&123456u64.to_le_bytes());
        h.extend_from_slice(&[0x10, 0x00, 0x00, 0x11, 0x22, 0x05, 3, 0, 0xde, 0xad, 0xbe]);
        h.extend_from_slice(&[0xc8, 0x02]);
        assert_eq!(h.len(), 37);
        let v = RadiotapView::new(&h).unwrap();
        assert_eq!(fields(&v, Field::PresentTsft), "1,0");
        assert_eq!(fields(&v, Field::PresentRtapNs), "0,1,0");
        assert_eq!(fields(&v, Field::PresentVendorNs), "1,0,0");
        assert_eq!(fields(&v, Field::Mactime), "123456");
        assert_eq!(fields(&v, Field::VendorOui), "4386");
        assert_eq!(fields(&v, Field::VendorSubns), "5");
        assert_eq!(fields(&v, Field::VendorDataLen), "3");
        assert_eq!(fields(&v, Field::DbmAntsignal), "-56");
        assert_eq!(fields(&v, Field::Antenna), "2");
        assert!(v.has_fcs());
        // Rate plus MCS (20 MHz, short GI, MCS 7): tshark shows both rates.
        let mut m = vec![0u8, 0, 12, 0];
        m.extend_from_slice(&((1u32 << 2) | (1 << 19)).to_le_bytes());
        m.extend_from_slice(&[4, 0x07, 0x04, 0x07]);
        let v = RadiotapView::new(&m).unwrap();
        assert_eq!(fields(&v, Field::Datarate), "2,72.2222");
        // Bandwidth unknown: no rate from MCS.
        m[9] = 0x06;
        let v = RadiotapView::new(&m).unwrap();
        assert_eq!(fields(&v, Field::Datarate), "2");
        assert_eq!(fields(&v, Field::McsIndex), "7");
        assert_eq!(ht_rate(15, true, true), Some(300.0));
        assert_eq!(ht_rate(0, false, false), Some(6.5));
        assert_eq!(ht_rate(32, true, false), None);
    }

    #[test]
    fn hostile_headers() {
        // Header length below 8 or past the end: fixed fields only, no
        // 802.11 frame (tshark: "radiotap" only).
        for len in [4u8, 200] {
            let mut h = [0u8; 32];
            h[2] = len;
            let v = RadiotapView::new(&h).unwrap();
            assert!(!v.is_sane());
            assert_eq!(v.next_layer(), NextLayer::Done);
            assert_eq!(fields(&v, Field::Length), len.to_string());
            assert_eq!(fields(&v, Field::PresentWord), "");
            assert!(v.payload().is_empty());
        }
        // Ext bits all the way to the end of the header: no fields, but the
        // frame still starts at it_len.
        let mut h = vec![0u8, 0, 16, 0];
        h.extend_from_slice(&[0xff; 12]);
        h.extend_from_slice(&[0x08, 0x02]);
        let v = RadiotapView::new(&h).unwrap();
        assert_eq!(fields(&v, Field::PresentWord), "");
        assert!(!v.has_fcs());
        assert_eq!(v.next_layer(), NextLayer::Wlan);
        assert_eq!(v.payload(), &[0x08, 0x02]);
        // A field past the header ends the walk.
        let mut h = vec![0u8, 0, 9, 0];
        h.extend_from_slice(&1u32.to_le_bytes());
        h.push(0);
        let v = RadiotapView::new(&h).unwrap();
        assert_eq!(fields(&v, Field::Mactime), "");
        assert_eq!(fields(&v, Field::PresentTsft), "1");
        // A TLV bit ends the walk too.
        let mut h = vec![0u8, 0, 12, 0];
        h.extend_from_slice(&((1u32 << 28) | 2).to_le_bytes());
        h.extend_from_slice(&[0x10, 0, 0, 0]);
        let v = RadiotapView::new(&h).unwrap();
        assert_eq!(fields(&v, Field::Flags), "0x10");
        assert!(RadiotapView::new(&[0u8; 7]).is_err());
    }

    #[test]
    fn minimal_header_builds() {
        let mut buf = Vec::new();
        RadiotapRepr::default().emit(&mut buf);
        assert_eq!(buf, [0, 0, 8, 0, 0, 0, 0, 0]);
        let r = RadiotapRepr {
            flags: Some(flags::FCS),
            ..Default::default()
        };
        let mut buf = Vec::new();
        r.emit(&mut buf);
        assert_eq!(buf, [0, 0, 9, 0, 2, 0, 0, 0, 0x10]);
        assert!(RadiotapView::new(&buf).unwrap().has_fcs());
    }

    proptest! {
        #[test]
        fn round_trip(tsft: Option<u64>, fl: Option<u8>, rate: Option<u8>,
                      channel: Option<(u16, u16)>, s: Option<i8>, n: Option<i8>,
                      antenna: Option<u8>,
                      body in proptest::collection::vec(any::<u8>(), 0..8)) {
            let r = RadiotapRepr { tsft, flags: fl, rate, channel, dbm_antsignal: s,
                                   dbm_antnoise: n, antenna };
            let mut buf = Vec::new();
            r.emit(&mut buf);
            let hl = buf.len();
            buf.extend_from_slice(&body);
            let v = RadiotapView::new(&buf).unwrap();
            prop_assert_eq!(v.header_len(), hl);
            prop_assert_eq!(RadiotapRepr::parse(&v), r);
            prop_assert_eq!(v.payload(), &body[..]);
            prop_assert_eq!(v.has_fcs(), fl.is_some_and(|f| f & 0x10 != 0));
        }

        #[test]
        fn never_panics(mut bytes in proptest::collection::vec(any::<u8>(), 8..80),
                        len in 0u16..90) {
            bytes[2..4].copy_from_slice(&len.to_le_bytes());
            if let Ok(v) = RadiotapView::new(&bytes) {
                assert_ranges_within(FIELDS, bytes.len(), |i, out| {
                    v.field(Field::from_index(i).unwrap(), out)
                });
                let _ = (v.next_layer(), v.payload(), v.has_fcs(), v.data_pad());
            }
        }
    }
}
