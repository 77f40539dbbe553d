//! Every flag of the `wiresift` command, defined once. tcpdump and tshark
//! users find their letters here (`-r -i -w -c -n -V -x -T -e -E -s`).

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const EXAMPLES: &str = "\
Examples:
  wiresift sample samples/sample.pcap          write the built-in sample capture
  wiresift -r samples/sample.pcap              one line a packet, like tcpdump -n
  wiresift -r capture.pcapng -V -c 3           layer tree of the first three packets
  wiresift -r capture.pcap -x                  one line and a hex dump a packet
  wiresift -r capture.pcap -T fields -e frame.number -e ip.src -e tcp.dstport -E header=y
  wiresift -r capture.pcap -Y 'tcp.port == 443 && ip.addr == 10.0.0.0/8'   display filter
  wiresift filter --explain 'tcp.port in {80, 443}'   how a display filter is understood
  wiresift -r capture.pcap -f 'tcp port 80 and net 10.0.0.0/8'   capture filter (BPF)
  wiresift filter --bpf 'tcp[tcpflags] & tcp-syn != 0'   the BPF program, like tcpdump -d
  wiresift -r capture.pcap -T json | jq '.layers[] | select(.protocol == \"ip\") | .fields'
  cat capture.pcap | wiresift -r -             read standard input
  sudo wiresift -i eth0 -c 100 -w out.pcap     live capture to a file
  wiresift fields | grep '^tcp\\.'              every field wiresift knows";

/// A fast, memory-safe network protocol analyzer.
#[derive(Debug, Parser)]
#[command(
    name = "wiresift",
    version,
    about,
    args_conflicts_with_subcommands = true,
    after_help = EXAMPLES,
    // -V is tshark's layer tree; the version is --version only.
    disable_version_flag = true
)]
pub struct Cli {
    /// Print the version.
    #[arg(long, action = clap::ArgAction::Version)]
    pub version: Option<bool>,
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List every field the registry knows, like `tshark -G fields`.
    #[command(
        after_help = "Example:\n  wiresift fields | grep '^ip\\.'\n  wiresift fields --protocols"
    )]
    Fields(FieldsArgs),
    /// Check a display filter and show how it is understood, or print the
    /// BPF program of a capture filter.
    #[command(
        after_help = "Example:\n  wiresift filter --explain 'ip.addr == 10.0.0.0/8 && tcp.port in {80, 443}'\n  wiresift filter --bpf 'tcp port 80 and not net 10.0.0.0/8' --linktype 113"
    )]
    Filter(FilterArgs),
    /// Statistics of a capture in one pass: summary (like capinfos),
    /// protocol hierarchy, conversations, endpoints, top talkers, and
    /// packets and bytes over time (like tshark -q -z io,phs, conv,…,
    /// endpoints,…, io,stat).
    #[command(after_help = STATS_EXAMPLES)]
    Stats(StatsArgs),
    /// Zeek-style logs (conn.log, …) of a capture, as Zeek's TSV or JSON
    /// lines, on standard output or in a directory.
    #[command(after_help = LOGS_EXAMPLES)]
    Logs(LogsArgs),
    /// The payload of one TCP or UDP stream in order, retransmissions once
    /// and gaps marked, as `tshark -q -z follow,tcp,ascii,N` prints it.
    #[command(after_help = FOLLOW_EXAMPLES)]
    Follow(FollowArgs),
    /// Write the objects carried over HTTP/1.x, or the mails (IMF), to a
    /// directory, like `tshark --export-objects http,DIR` or `imf,DIR`.
    #[command(after_help = EXPORT_EXAMPLES)]
    Export(ExportArgs),
    /// Write the sample capture (built by wiresift's own packet builder).
    #[command(
        after_help = "Example:\n  wiresift sample samples/sample.pcap && wiresift -r samples/sample.pcap"
    )]
    Sample(SampleArgs),
}

#[derive(Debug, Args)]
pub struct FieldsArgs {
    /// List protocols instead of fields.
    #[arg(long)]
    pub protocols: bool,
}

#[derive(Debug, Args)]
pub struct FilterArgs {
    /// Print the parsed and type-checked form of display filter EXPR (fields
    /// with their types, literals converted), or the error with a caret
    /// under its place (exit status 1).
    #[arg(
        long,
        value_name = "EXPR",
        required_unless_present = "bpf",
        conflicts_with = "bpf",
        allow_hyphen_values = true
    )]
    pub explain: Option<String>,
    /// Compile capture filter EXPR (tcpdump/libpcap syntax) and print the
    /// classic BPF program like `tcpdump -d`, or the error with a caret
    /// under its place (exit status 1).
    #[arg(long, value_name = "EXPR", allow_hyphen_values = true)]
    pub bpf: Option<String>,
    /// The link type to compile `--bpf` for: 1 Ethernet (the default), 0 or
    /// 108 BSD loopback, 101/228/229 raw IP, 113 Linux cooked v1.
    #[arg(long, value_name = "N", requires = "bpf")]
    pub linktype: Option<u32>,
}

#[derive(Debug, Args)]
pub struct SampleArgs {
    /// Where to write the capture (pcap).
    #[arg(default_value = "samples/sample.pcap")]
    pub output: PathBuf,
}

/// How packets are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One line a packet (the default).
    Text,
    /// The values of the `-e` fields, one row a packet, like `tshark -T fields`.
    Fields,
    /// One JSON object a packet (NDJSON): layers, their fields, anomalies.
    Json,
}

#[derive(Debug, Args)]
pub struct ReadArgs {
    /// Read packets from FILE (pcap or pcapng; `-` for standard input).
    #[arg(short = 'r', value_name = "FILE", conflicts_with = "interface")]
    pub read: Option<PathBuf>,
    /// Capture live from interface IFACE (needs root or CAP_NET_RAW).
    #[arg(short = 'i', value_name = "IFACE")]
    pub interface: Option<String>,
    /// Write the packets read to FILE (pcap) instead of printing them.
    #[arg(short = 'w', value_name = "FILE")]
    pub write: Option<PathBuf>,
    /// Show only the packets that match a Wireshark display filter, e.g.
    /// `-Y 'tcp.port == 443'` (frame numbers stay those of the file).
    #[arg(short = 'Y', value_name = "FILTER", allow_hyphen_values = true)]
    pub display_filter: Option<String>,
    /// Keep only the packets that match a capture filter in tcpdump/libpcap
    /// syntax, e.g. `-f 'tcp port 80 and not net 10.0.0.0/8'`. Live, the
    /// kernel runs it; on files wiresift's BPF interpreter does, before
    /// dissection, and the kept packets are numbered 1, 2, 3… as if the
    /// file held only them (as `tcpdump -r F -w - EXPR` would write them).
    #[arg(short = 'f', value_name = "FILTER", allow_hyphen_values = true)]
    pub capture_filter: Option<String>,
    /// Stop after COUNT packets.
    #[arg(short = 'c', value_name = "COUNT")]
    pub count: Option<u64>,
    /// Numeric addresses and ports (the default: wiresift does no name resolution).
    #[arg(short = 'n')]
    pub numeric: bool,
    /// Print the layer tree: every field of every layer.
    #[arg(short = 'V')]
    pub verbose: bool,
    /// Add a hex and ASCII dump of each packet.
    #[arg(short = 'x')]
    pub hex: bool,
    /// Output format.
    #[arg(short = 'T', value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,
    /// A field to print with `-T fields` (repeat for more), e.g. `-e ip.src`.
    #[arg(short = 'e', value_name = "FIELD")]
    pub fields: Vec<String>,
    /// A `-T fields` option: header=y|n, separator=/t|/s|C, occurrence=f|l|a,
    /// aggregator=,|/s|C, quote=d|s|n.
    #[arg(short = 'E', value_name = "OPTION=VALUE")]
    pub field_opts: Vec<String>,
    /// Bytes to capture per packet on live capture.
    #[arg(short = 's', value_name = "SNAPLEN", default_value_t = 262_144)]
    pub snaplen: u32,
    /// Do not put the interface into promiscuous mode.
    #[arg(short = 'p')]
    pub no_promisc: bool,
    /// Skip checksum verification (faster; statuses read "unverified").
    #[arg(long)]
    pub no_checksum: bool,
    /// Worker threads for a file printed to standard output, each taking
    /// the conversations of its share of host pairs (0: one per core). The
    /// output is the same for any number.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,
}

const STATS_EXAMPLES: &str = "\
Examples:
  wiresift stats -r capture.pcap                       every section, 10 rows a table
  wiresift stats -r capture.pcap --section conv --top 0   every conversation
  wiresift stats -r capture.pcap --section io --interval 60   packets and bytes a minute
  wiresift stats -r capture.pcap -Y 'tcp.port == 443' --json | jq .talkers
Sections: summary, phs, conv, endpoints, talkers, io (all by default).";

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Read packets from FILE (pcap or pcapng; `-` for standard input).
    #[arg(short = 'r', value_name = "FILE", required = true)]
    pub read: PathBuf,
    /// Count only the packets that match a Wireshark display filter.
    #[arg(short = 'Y', value_name = "FILTER", allow_hyphen_values = true)]
    pub display_filter: Option<String>,
    /// Keep only the packets that match a capture filter (tcpdump syntax),
    /// before dissection; kept packets are numbered 1, 2, 3…
    #[arg(short = 'f', value_name = "FILTER", allow_hyphen_values = true)]
    pub capture_filter: Option<String>,
    /// Stop after COUNT packets.
    #[arg(short = 'c', value_name = "COUNT")]
    pub count: Option<u64>,
    /// The sections to print, comma-separated: summary, phs, conv,
    /// endpoints, talkers, io (default: all).
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub section: Vec<String>,
    /// Seconds per row of the io section (e.g. 1, 0.5, 60), or `auto`: the
    /// smallest of 1, 2 or 5 × 10^k seconds (1 ms at least) that gives at
    /// most 20 rows.
    #[arg(long, value_name = "SECS", default_value = "auto")]
    pub interval: String,
    /// Rows per table (0 for all).
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub top: usize,
    /// Conversations kept per table; frames of the others are reported as
    /// not attributed.
    #[arg(long, value_name = "N", default_value_t = 1_000_000)]
    pub max_conversations: usize,
    /// One JSON document instead of text.
    #[arg(long)]
    pub json: bool,
    /// Worker threads (0: one per core): each reads a part of a classic
    /// pcap file, or takes the conversations of its share of host pairs.
    /// The report is the same for any number.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,
}

const LOGS_EXAMPLES: &str = "\
Examples:
  wiresift logs conn -r capture.pcap                   conn.log (Zeek TSV) on standard output
  wiresift logs conn -r capture.pcap --json | jq .uid  one JSON object a connection
  wiresift logs all -r capture.pcap -o logs/           every log, in logs/conn.log, …
  wiresift logs conn -r capture.pcap -C                ignore checksums (like zeek -C)
Logs: conn, dns, dhcp, http, files, ssl, x509, quic, ftp, smtp, mqtt_connect, mqtt_publish,
  mqtt_subscribe, ssh, websocket, weird; all.";

#[derive(Debug, Args)]
pub struct LogsArgs {
    /// The log to write: conn, dns, dhcp, http, files, ssl, x509, quic, ftp,
    /// smtp, mqtt_connect, mqtt_publish, mqtt_subscribe, ssh, websocket, weird; or all
    /// (every log; needs -o).
    #[arg(value_name = "LOG")]
    pub log: String,
    /// Read packets from FILE (pcap or pcapng; `-` for standard input).
    #[arg(short = 'r', value_name = "FILE", required = true)]
    pub read: PathBuf,
    /// Keep only the packets that match a capture filter (tcpdump syntax),
    /// before dissection.
    #[arg(short = 'f', value_name = "FILTER", allow_hyphen_values = true)]
    pub capture_filter: Option<String>,
    /// Stop after COUNT packets.
    #[arg(short = 'c', value_name = "COUNT")]
    pub count: Option<u64>,
    /// Zeek's JSON form: one object a line, unset fields left out.
    #[arg(long)]
    pub json: bool,
    /// Write DIR/<log>.log instead of standard output.
    #[arg(short = 'o', value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Ignore checksums, like `zeek -C` (by default a packet with a bad
    /// TCP, UDP or ICMP checksum is left out of every log, as Zeek does,
    /// and marked `c` in the history).
    #[arg(short = 'C')]
    pub no_checksum: bool,
    /// Worker threads, each taking the conversations of its share of host
    /// pairs (0: one per core). The logs are the same for any number.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,
}

const FOLLOW_EXAMPLES: &str = "\
Examples:
  wiresift follow tcp 0 -r capture.pcap                TCP stream 0 (tcp.stream eq 0) as text
  wiresift follow tcp 3 -r capture.pcap --format hex   offsets, hex and text, like a hex dump
  wiresift follow udp 1 -r capture.pcap --format raw   each datagram's payload as one hex line
Stream numbers are tshark's tcp.stream and udp.stream (see `wiresift -r FILE -T fields -e tcp.stream`).";

/// The transport of a followed stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FollowProto {
    Tcp,
    Udp,
}

/// How followed payload is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FollowFormat {
    /// Printable bytes as they are, others as `.`; each record after its length.
    Ascii,
    /// Offset, 16 bytes in hex and as text a line.
    Hex,
    /// Each record as one line of hex digits.
    Raw,
    /// tshark's YAML: the peers, then each record with its frame, time and base64 data.
    Yaml,
}

#[derive(Debug, Args)]
pub struct FollowArgs {
    /// tcp or udp.
    #[arg(value_enum)]
    pub proto: FollowProto,
    /// The stream number (tcp.stream / udp.stream).
    #[arg(value_name = "N")]
    pub stream: u32,
    /// Read packets from FILE (pcap or pcapng; `-` for standard input).
    #[arg(short = 'r', value_name = "FILE", required = true)]
    pub read: PathBuf,
    /// ascii, hex, raw or yaml.
    #[arg(long, value_enum, default_value = "ascii")]
    pub format: FollowFormat,
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    #[test]
    fn flags_are_consistent() {
        Cli::command().debug_assert();
    }
}

const EXPORT_EXAMPLES: &str = "\
Examples:
  wiresift export http objects/ -r capture.pcap          bodies de-chunked and gunzipped, named like tshark
  wiresift export http objects/ -r capture.pcap --list   and a table of what was written
  wiresift export imf mails/ -r capture.pcap             each mail sent (SMTP) or fetched (IMAP), as <subject>.eml";

/// What `export` takes objects from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportProto {
    /// HTTP/1.x bodies.
    Http,
    /// Mails: the content of each SMTP DATA, each mail an IMAP FETCH
    /// returned.
    Imf,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// http or imf.
    #[arg(value_enum)]
    pub proto: ExportProto,
    /// The directory to write to (made if missing; existing files are
    /// kept: a taken name gets `(1)`, `(2)`, … before its extension).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Read packets from FILE (pcap or pcapng; `-` for standard input).
    #[arg(short = 'r', value_name = "FILE", required = true)]
    pub read: PathBuf,
    /// Stop after COUNT packets.
    #[arg(short = 'c', value_name = "COUNT")]
    pub count: Option<u64>,
    /// Print a table of the objects written (packet, hostname, content
    /// type, size, file name) on standard output.
    #[arg(long)]
    pub list: bool,
}
