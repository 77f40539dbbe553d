//! One dissected layer: a typed view over its bytes. The dissector stacks
//! these; every consumer (fields, JSON, tree, filters) reaches a layer's
//! fields through [`Layer::field`] by position in the protocol's table.

use crate::field::{FieldSink, Value};
use crate::proto::Proto;
use crate::*;

macro_rules! layers {
    ($( $variant:ident($ty:ty) => $module:ident; )*) => {
        /// A layer of a dissected frame.
        #[derive(Clone, Copy, Debug)]
        pub enum Layer<'a> { $( $variant($ty) ),* }

        impl<'a> Layer<'a> {
            /// Which protocol this layer is.
            pub fn proto(&self) -> Proto {
                match self { $( Layer::$variant(_) => Proto::$variant ),* }
            }

            /// Send every occurrence of field number `idx` of this layer's
            /// protocol to `out`. Byte ranges are relative to the layer start.
            pub fn field(&self, idx: usize, out: &mut dyn FieldSink<'a>) {
                match self {
                    $( Layer::$variant(v) => {
                        if let Some(f) = $module::Field::from_index(idx) {
                            v.field(f, out)
                        }
                    } ),*
                }
            }

            /// The first occurrence of field number `idx`, if any.
            pub fn first(&self, idx: usize) -> Option<Value<'a>> {
                let mut got = None;
                self.field(idx, &mut |v: Value<'a>, _r: std::ops::Range<usize>| {
                    if got.is_none() {
                        got = Some(v)
                    }
                });
                got
            }

            /// The layer's title line in the tree (`Internet Protocol Version 4, Src: …`).
            pub fn title(&self, out: &mut String) {
                match self { $( Layer::$variant(v) => v.title(out) ),* }
            }

            /// How many bytes of the frame this layer's header covers.
            pub fn header_len(&self) -> usize {
                match self { $( Layer::$variant(v) => v.header_len() ),* }
            }
        }
    };
}

layers! {
    Frame(frame::FrameView<'a>) => frame;
    Eth(ethernet::EthernetView<'a>) => ethernet;
    Llc(llc::LlcView<'a>) => llc;
    Vlan(vlan::VlanView<'a>) => vlan;
    Sll(sll::SllView<'a>) => sll;
    Null(null::NullView<'a>) => null;
    Arp(arp::ArpView<'a>) => arp;
    Ip(ipv4::Ipv4View<'a>) => ipv4;
    Ipv6(ipv6::Ipv6View<'a>) => ipv6;
    Ipv6Ext(ipv6_ext::Ipv6ExtView<'a>) => ipv6_ext;
    Ah(ah::AhView<'a>) => ah;
    Esp(esp::EspView<'a>) => esp;
    Icmp(icmp::IcmpView<'a>) => icmp;
    Icmpv6(icmpv6::Icmpv6View<'a>) => icmpv6;
    Tcp(tcp::TcpView<'a>) => tcp;
    Udp(udp::UdpView<'a>) => udp;
    Gre(gre::GreView<'a>) => gre;
    Ppp(ppp::PppView<'a>) => ppp;
    Mpls(mpls::MplsView<'a>) => mpls;
    Vxlan(vxlan::VxlanView<'a>) => vxlan;
    Fddi(fddi::FddiView<'a>) => fddi;
    Wlan(wlan::WlanView<'a>) => wlan;
    Radiotap(radiotap::RadiotapView<'a>) => radiotap;
    Ppi(ppi::PpiView<'a>) => ppi;
    Capwap(capwap::CapwapView<'a>) => capwap;
    Nflog(nflog::NflogView<'a>) => nflog;
    Ipnet(ipnet::IpnetView<'a>) => ipnet;
    Arcnet(arcnet::ArcnetView<'a>) => arcnet;
    Erspan(erspan::ErspanView<'a>) => erspan;
    Geneve(geneve::GeneveView<'a>) => geneve;
    Gtp(gtp::GtpView<'a>) => gtp;
    Pppoe(pppoe::PppoeView<'a>) => pppoe;
    Fr(frame_relay::FrameRelayView<'a>) => frame_relay;
    Teredo(teredo::TeredoView<'a>) => teredo;
    Pbb(pbb::PbbView<'a>) => pbb;
    Chdlc(chdlc::ChdlcView<'a>) => chdlc;
    Vntag(vntag::VntagView<'a>) => vntag;
    Etag(etag::EtagView<'a>) => etag;
    Macsec(macsec::MacsecView<'a>) => macsec;
    Nsh(nsh::NshView<'a>) => nsh;
    Avsp(avsp::AvspView<'a>) => avsp;
    Cfp(cfp::CfpView<'a>) => cfp;
    VxlanGpe(vxlan_gpe::VxlanGpeView<'a>) => vxlan_gpe;
    Dns(dns::DnsView<'a>) => dns;
    Mdns(dns::DnsView<'a>) => dns;
    Llmnr(dns::DnsView<'a>) => dns;
    Dhcp(dhcp::DhcpView<'a>) => dhcp;
    Http(http::HttpView<'a>) => http;
    Ssdp(http::HttpView<'a>) => http;
    Tls(tls::TlsView<'a>) => tls;
    Quic(quic::QuicView<'a>) => quic;
    Dtls(dtls::DtlsView<'a>) => dtls;
    Http2(http2::Http2View<'a>) => http2;
    Websocket(websocket::WebsocketView<'a>) => websocket;
    Mqtt(mqtt::MqttView<'a>) => mqtt;
    Smtp(smtp::SmtpView<'a>) => smtp;
    Imf(imf::ImfView<'a>) => imf;
    Pop(pop::PopView<'a>) => pop;
    Imap(imap::ImapView<'a>) => imap;
    Ftp(ftp::FtpView<'a>) => ftp;
    Ssh(ssh::SshView<'a>) => ssh;
    Socks(socks::SocksView<'a>) => socks;
    Openvpn(openvpn::OpenvpnView<'a>) => openvpn;
    Sflow(sflow::SflowView<'a>) => sflow;
    Proxy(proxy::ProxyView<'a>) => proxy;
    Data(data::DataView<'a>) => data;
}
