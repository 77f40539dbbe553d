//! Protocol identities: the short name tshark uses (`ip`, `tcp`), the title of
//! the layer in the tree, and the protocol's field table.

use crate::field::FieldDef;

macro_rules! protocols {
    ($( $id:ident => $name:literal, $title:literal, $module:ident; )*) => {
        /// Every protocol the dissector knows.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Proto { $($id),* }

        impl Proto {
            /// All protocols, in registry order.
            pub const ALL: &'static [Proto] = &[$(Proto::$id),*];

            /// The protocol's filter name, as in Wireshark (`eth`, `ip`, `tcp`).
            pub fn name(self) -> &'static str {
                match self { $(Proto::$id => $name),* }
            }

            /// The protocol's long name, as the layer tree titles it.
            pub fn title(self) -> &'static str {
                match self { $(Proto::$id => $title),* }
            }

            /// The protocol's field declarations.
            pub fn fields(self) -> &'static [FieldDef] {
                match self { $(Proto::$id => crate::$module::FIELDS),* }
            }
        }
    };
}

protocols! {
    Frame => "frame", "Frame", frame;
    Eth => "eth", "Ethernet", ethernet;
    Llc => "llc", "Logical-Link Control", llc;
    Vlan => "vlan", "802.1Q Virtual LAN", vlan;
    Sll => "sll", "Linux cooked capture", sll;
    Null => "null", "Null/Loopback", null;
    Arp => "arp", "Address Resolution Protocol", arp;
    Ip => "ip", "Internet Protocol Version 4", ipv4;
    Ipv6 => "ipv6", "Internet Protocol Version 6", ipv6;
    Ipv6Ext => "ipv6.ext", "IPv6 Extension Header", ipv6_ext;
    Ah => "ah", "Authentication Header", ah;
    Esp => "esp", "Encapsulating Security Payload", esp;
    Icmp => "icmp", "Internet Control Message Protocol", icmp;
    Icmpv6 => "icmpv6", "Internet Control Message Protocol v6", icmpv6;
    Tcp => "tcp", "Transmission Control Protocol", tcp;
    Udp => "udp", "User Datagram Protocol", udp;
    Gre => "gre", "Generic Routing Encapsulation", gre;
    Ppp => "ppp", "Point-to-Point Protocol", ppp;
    Mpls => "mpls", "MultiProtocol Label Switching Header", mpls;
    Vxlan => "vxlan", "Virtual eXtensible Local Area Network", vxlan;
    Fddi => "fddi", "Fiber Distributed Data Interface", fddi;
    Wlan => "wlan", "IEEE 802.11 wireless LAN", wlan;
    Radiotap => "radiotap", "Radiotap Header", radiotap;
    Ppi => "ppi", "PPI Packet Header", ppi;
    Capwap => "capwap", "Control And Provisioning of Wireless Access Points", capwap;
    Nflog => "nflog", "Linux Netfilter NFLOG", nflog;
    Ipnet => "ipnet", "Solaris IPNET", ipnet;
    Arcnet => "arcnet", "ARCNET", arcnet;
    Erspan => "erspan", "Encapsulated Remote Switch Packet ANalysis", erspan;
    Geneve => "geneve", "Generic Network Virtualization Encapsulation", geneve;
    Gtp => "gtp", "GPRS Tunneling Protocol", gtp;
    Pppoe => "pppoes", "PPP-over-Ethernet Session", pppoe;
    Fr => "fr", "Frame Relay", frame_relay;
    Teredo => "teredo", "Teredo IPv6 over UDP tunneling", teredo;
    Pbb => "ieee8021ah", "IEEE 802.1ah (Provider Backbone Bridges)", pbb;
    Chdlc => "chdlc", "Cisco HDLC", chdlc;
    Vntag => "vntag", "VN-Tag", vntag;
    Etag => "etag", "802.1BR E-Tag", etag;
    Macsec => "macsec", "802.1AE Security tag", macsec;
    Nsh => "nsh", "Network Service Header", nsh;
    Avsp => "avsp", "Arista Vendor Specific Protocol", avsp;
    Cfp => "cfp", "Cisco FabricPath", cfp;
    VxlanGpe => "vxlan_gpe", "Virtual eXtensible Local Area Network (GPE)", vxlan_gpe;
    Dns => "dns", "Domain Name System", dns;
    Mdns => "mdns", "Multicast Domain Name System", dns;
    Llmnr => "llmnr", "Link-local Multicast Name Resolution", dns;
    Dhcp => "dhcp", "Dynamic Host Configuration Protocol", dhcp;
    Http => "http", "Hypertext Transfer Protocol", http;
    Ssdp => "ssdp", "Simple Service Discovery Protocol", http;
    Tls => "tls", "Transport Layer Security", tls;
    Quic => "quic", "QUIC IETF", quic;
    Dtls => "dtls", "Datagram Transport Layer Security", dtls;
    Http2 => "http2", "HyperText Transfer Protocol 2", http2;
    Websocket => "websocket", "WebSocket", websocket;
    Mqtt => "mqtt", "MQ Telemetry Transport Protocol", mqtt;
    Smtp => "smtp", "Simple Mail Transfer Protocol", smtp;
    Imf => "imf", "Internet Message Format", imf;
    Pop => "pop", "Post Office Protocol", pop;
    Imap => "imap", "Internet Message Access Protocol", imap;
    Ftp => "ftp", "File Transfer Protocol (FTP)", ftp;
    Ssh => "ssh", "SSH Protocol", ssh;
    Socks => "socks", "Socks Protocol", socks;
    Openvpn => "openvpn", "OpenVPN Protocol", openvpn;
    Sflow => "sflow", "InMon sFlow", sflow;
    Proxy => "proxy", "PROXY Protocol", proxy;
    Data => "data", "Data", data;
}
