//! The crate's only `unsafe` code: system calls for the Linux `AF_PACKET`
//! socket, the memory-mapped `TPACKET_V3` receive ring, read-only mappings
//! of capture files, and one allocator setting.
//!
//! Everything here is wrapped in safe functions whose contracts the rest of
//! the crate cannot break: the ring lends a block's bytes only while the
//! kernel has handed that block to user space, and taking it back needs
//! `&mut`, so no borrowed bytes outlive the hand-back; a file mapping lends
//! its bytes only while it lives.
#![allow(unsafe_code)]

use std::ffi::CString;
use std::io;
use std::mem::size_of;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use crate::bpf::SockFilter;

/// `TPACKET_V3` from `enum tpacket_versions`.
const TPACKET_V3: libc::c_int = 2;
/// Offset of `hdr.bh1.block_status` in `struct tpacket_block_desc`.
const BLOCK_STATUS_OFFSET: usize = 8;

/// Interface index of `name`, or `None` if there is no such interface in
/// this thread's network namespace.
pub(crate) fn if_nametoindex(name: &str) -> Option<u32> {
    let c = CString::new(name).ok()?;
    // SAFETY: `c` is a valid NUL-terminated string that outlives the call;
    // the function only reads it.
    let index = unsafe { libc::if_nametoindex(c.as_ptr()) };
    (index != 0).then_some(index)
}

/// Let every thread allocate from glibc's one main heap instead of a heap
/// ("arena") per thread, whose freed memory stays with that thread.
#[cfg(target_env = "gnu")]
pub(crate) fn one_heap_for_all_threads() {
    // SAFETY: mallopt only changes an allocator setting; it reads no
    // memory of ours. Called before the threads it concerns start.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

/// A read-only view of part of a file, mapped into memory: the file's bytes
/// straight from the page cache, with no copy.
pub(crate) struct FileMap {
    /// Start of the mapping (page-aligned), or dangling when `map_len` is 0.
    ptr: NonNull<u8>,
    map_len: usize,
    /// Bytes of the mapping before the offset asked for.
    skip: usize,
}

// SAFETY: the mapping is read-only and private; nothing writes through it,
// so sharing or moving it between threads is like sharing a `&[u8]`.
unsafe impl Send for FileMap {}
unsafe impl Sync for FileMap {}

impl FileMap {
    /// Maps `len` bytes of `file` from `offset`, which the caller has seen
    /// within the file's size.
    pub(crate) fn new(file: &std::fs::File, offset: u64, len: usize) -> io::Result<FileMap> {
        install_sigbus_report();
        // SAFETY: sysconf only reads a system setting.
        let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        let page = u64::try_from(page).ok().filter(|&p| p > 0).unwrap_or(4096);
        let aligned = offset - offset % page;
        let skip = (offset - aligned) as usize;
        let map_len = skip
            .checked_add(len)
            .ok_or_else(|| io::Error::from(io::ErrorKind::InvalidInput))?;
        if len == 0 {
            return Ok(FileMap {
                ptr: NonNull::dangling(),
                map_len: 0,
                skip: 0,
            });
        }
        let off = libc::off_t::try_from(aligned)
            .map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
        // SAFETY: a new private read-only mapping of an open file; address
        // NULL lets the kernel choose a fresh range that aliases no Rust
        // object. The result is checked for MAP_FAILED.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                map_len,
                libc::PROT_READ,
                libc::MAP_PRIVATE,
                file.as_raw_fd(),
                off,
            )
        };
        if p == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `p` is the mapping just made, `map_len` long. The advice
        // (read ahead, drop behind) changes no content; its failure is
        // harmless.
        unsafe {
            libc::madvise(p, map_len, libc::MADV_SEQUENTIAL);
        }
        let ptr = NonNull::new(p.cast::<u8>()).ok_or_else(io::Error::last_os_error)?;
        Ok(FileMap { ptr, map_len, skip })
    }
}

impl std::ops::Deref for FileMap {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        if self.map_len == 0 {
            return &[];
        }
        // SAFETY: the mapping is `map_len` readable bytes from `ptr` for as
        // long as `self` lives, and `skip <= map_len`. If another program
        // shortens the file, reading past its new end raises SIGBUS, which
        // `install_sigbus_report` turns into an error message and exit.
        unsafe {
            std::slice::from_raw_parts(self.ptr.as_ptr().add(self.skip), self.map_len - self.skip)
        }
    }
}

impl Drop for FileMap {
    fn drop(&mut self) {
        if self.map_len > 0 {
            // SAFETY: `ptr` and `map_len` are exactly the mapping made in
            // `new`, and no borrow of it can outlive `self`.
            unsafe {
                libc::munmap(self.ptr.as_ptr().cast(), self.map_len);
            }
        }
    }
}

/// Ask the CPU to bring the cache lines of `bytes` in, one every 64 bytes:
/// mapped file bytes otherwise come from memory on first touch.
#[inline]
pub(crate) fn prefetch(bytes: &[u8]) {
    #[cfg(target_arch = "x86_64")]
    for i in (0..bytes.len()).step_by(64) {
        // SAFETY: a prefetch is a hint: it never faults and changes no
        // memory; the address is inside `bytes`.
        unsafe {
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                bytes.as_ptr().add(i).cast(),
            );
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = bytes;
}

/// A mapped file shortened by another program while we read it makes the
/// kernel send SIGBUS when the missing bytes are touched. Say so and exit
/// (status 2) rather than die unexplained.
fn install_sigbus_report() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    extern "C" fn report(_: libc::c_int) {
        const MSG: &[u8] =
            b"wiresift: the capture file was shortened while it was being read (SIGBUS)\n";
        // SAFETY: write(2) and _exit(2) are async-signal-safe; MSG is static.
        unsafe {
            libc::write(2, MSG.as_ptr().cast(), MSG.len());
            libc::_exit(2);
        }
    }
    ONCE.call_once(|| {
        // SAFETY: a zeroed sigaction with a plain handler and an empty mask
        // is valid; the handler only calls async-signal-safe functions.
        unsafe {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = report as extern "C" fn(libc::c_int) as libc::sighandler_t;
            libc::sigemptyset(&mut sa.sa_mask);
            libc::sigaction(libc::SIGBUS, &sa, std::ptr::null_mut());
        }
    });
}

fn check(r: libc::c_int) -> io::Result<libc::c_int> {
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(r)
    }
}

/// What `poll` said about the socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Readiness {
    /// Nothing happened before the timeout.
    Timeout,
    /// Readable (a block may have been handed over).
    Readable,
    /// The socket has a pending error.
    Error,
    /// A signal interrupted the wait.
    Interrupted,
}

/// An `AF_PACKET`, `SOCK_RAW` socket.
#[derive(Debug)]
pub(crate) struct PacketSocket {
    fd: OwnedFd,
}

impl PacketSocket {
    /// A packet socket that receives nothing until [`PacketSocket::bind`]
    /// names a protocol.
    pub(crate) fn new() -> io::Result<PacketSocket> {
        // SAFETY: a plain system call with constant arguments; it returns a
        // new descriptor or -1.
        let fd = check(unsafe {
            libc::socket(libc::AF_PACKET, libc::SOCK_RAW | libc::SOCK_CLOEXEC, 0)
        })?;
        // SAFETY: `fd` was just created by `socket` and is owned by nothing
        // else; `OwnedFd` closes it exactly once.
        Ok(PacketSocket {
            fd: unsafe { OwnedFd::from_raw_fd(fd) },
        })
    }

    /// `setsockopt` with a plain-data value.
    fn set_option<T: Copy>(
        &self,
        level: libc::c_int,
        name: libc::c_int,
        value: &T,
    ) -> io::Result<()> {
        // SAFETY: `value` points to a live, initialised `T` of exactly
        // `size_of::<T>()` bytes, which the kernel only reads during the call.
        check(unsafe {
            libc::setsockopt(
                self.fd.as_raw_fd(),
                level,
                name,
                (value as *const T).cast(),
                size_of::<T>() as libc::socklen_t,
            )
        })?;
        Ok(())
    }

    /// Selects `TPACKET_V3` frames for the ring.
    pub(crate) fn set_tpacket_v3(&self) -> io::Result<()> {
        self.set_option(libc::SOL_PACKET, libc::PACKET_VERSION, &TPACKET_V3)
    }

    /// Binds to interface `ifindex`, receiving every protocol (`ETH_P_ALL`).
    pub(crate) fn bind_all(&self, ifindex: u32) -> io::Result<()> {
        let sa = libc::sockaddr_ll {
            sll_family: libc::AF_PACKET as u16,
            sll_protocol: (libc::ETH_P_ALL as u16).to_be(),
            sll_ifindex: i32::try_from(ifindex)
                .map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?,
            sll_hatype: 0,
            sll_pkttype: 0,
            sll_halen: 0,
            sll_addr: [0; 8],
        };
        // SAFETY: `sa` is a valid `sockaddr_ll` and the length passed is its
        // size; the kernel only reads it.
        check(unsafe {
            libc::bind(
                self.fd.as_raw_fd(),
                (&sa as *const libc::sockaddr_ll).cast(),
                size_of::<libc::sockaddr_ll>() as libc::socklen_t,
            )
        })?;
        Ok(())
    }

    /// The `ARPHRD_*` hardware type of the bound interface.
    pub(crate) fn hardware_type(&self) -> io::Result<u16> {
        let mut sa = libc::sockaddr_ll {
            sll_family: 0,
            sll_protocol: 0,
            sll_ifindex: 0,
            sll_hatype: 0,
            sll_pkttype: 0,
            sll_halen: 0,
            sll_addr: [0; 8],
        };
        let mut len = size_of::<libc::sockaddr_ll>() as libc::socklen_t;
        // SAFETY: `sa` is writable storage of `len` bytes and `len` is a
        // valid in/out length; the kernel writes at most `len` bytes.
        check(unsafe {
            libc::getsockname(
                self.fd.as_raw_fd(),
                (&mut sa as *mut libc::sockaddr_ll).cast(),
                &mut len,
            )
        })?;
        Ok(sa.sll_hatype)
    }

    /// Puts the interface into promiscuous mode for as long as the socket
    /// is open (the kernel counts and undoes it on close).
    pub(crate) fn add_promiscuous(&self, ifindex: u32) -> io::Result<()> {
        let mreq = libc::packet_mreq {
            mr_ifindex: i32::try_from(ifindex)
                .map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?,
            mr_type: libc::PACKET_MR_PROMISC as u16,
            mr_alen: 0,
            mr_address: [0; 8],
        };
        self.set_option(libc::SOL_PACKET, libc::PACKET_ADD_MEMBERSHIP, &mreq)
    }

    /// Attaches a classic BPF program (`SO_ATTACH_FILTER`), replacing any
    /// earlier one.
    pub(crate) fn attach_filter(&self, program: &[SockFilter]) -> io::Result<()> {
        let insns: Vec<libc::sock_filter> = program
            .iter()
            .map(|f| libc::sock_filter {
                code: f.code,
                jt: f.jt,
                jf: f.jf,
                k: f.k,
            })
            .collect();
        let len = u16::try_from(insns.len())
            .ok()
            .filter(|&n| n > 0)
            .ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "filter must have 1 to 65535 instructions",
                )
            })?;
        let prog = libc::sock_fprog {
            len,
            filter: insns.as_ptr().cast_mut(),
        };
        // `insns` lives until after the call; the kernel copies the program.
        self.set_option(libc::SOL_SOCKET, libc::SO_ATTACH_FILTER, &prog)
    }

    /// Packets received and dropped since the last call (the kernel resets
    /// its counters on each read). Received includes dropped.
    pub(crate) fn take_statistics(&self) -> io::Result<(u32, u32)> {
        let mut st = libc::tpacket_stats_v3 {
            tp_packets: 0,
            tp_drops: 0,
            tp_freeze_q_cnt: 0,
        };
        let mut len = size_of::<libc::tpacket_stats_v3>() as libc::socklen_t;
        // SAFETY: `st` is writable storage of `len` bytes and `len` is a
        // valid in/out length.
        check(unsafe {
            libc::getsockopt(
                self.fd.as_raw_fd(),
                libc::SOL_PACKET,
                libc::PACKET_STATISTICS,
                (&mut st as *mut libc::tpacket_stats_v3).cast(),
                &mut len,
            )
        })?;
        Ok((st.tp_packets, st.tp_drops))
    }

    /// The socket's pending error (`SO_ERROR`), which reading clears.
    pub(crate) fn take_error(&self) -> io::Result<Option<io::Error>> {
        let mut err: libc::c_int = 0;
        let mut len = size_of::<libc::c_int>() as libc::socklen_t;
        // SAFETY: `err` is writable storage of `len` bytes.
        check(unsafe {
            libc::getsockopt(
                self.fd.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_ERROR,
                (&mut err as *mut libc::c_int).cast(),
                &mut len,
            )
        })?;
        Ok((err != 0).then(|| io::Error::from_raw_os_error(err)))
    }

    /// Waits until the socket is readable, has an error, or `timeout`
    /// passes (rounded up to whole milliseconds).
    pub(crate) fn wait(&self, timeout: Duration) -> io::Result<Readiness> {
        let ms = timeout.as_nanos().div_ceil(1_000_000);
        let ms = libc::c_int::try_from(ms).unwrap_or(libc::c_int::MAX);
        let mut pfd = libc::pollfd {
            fd: self.fd.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: `pfd` is one valid, writable `pollfd` and we pass a count
        // of 1.
        let r = unsafe { libc::poll(&mut pfd, 1, ms) };
        if r < 0 {
            let e = io::Error::last_os_error();
            return if e.kind() == io::ErrorKind::Interrupted {
                Ok(Readiness::Interrupted)
            } else {
                Err(e)
            };
        }
        Ok(if r == 0 {
            Readiness::Timeout
        } else if pfd.revents & (libc::POLLERR | libc::POLLHUP | libc::POLLNVAL) != 0 {
            Readiness::Error
        } else {
            Readiness::Readable
        })
    }
}

/// The `PACKET_RX_RING` of a socket, mapped into our memory: `block_nr`
/// blocks of `block_size` bytes, each owned in turn by the kernel (which
/// fills it) and by us (who read it and hand it back).
#[derive(Debug)]
pub(crate) struct Ring {
    ptr: NonNull<u8>,
    len: usize,
    block_size: usize,
    block_nr: usize,
}

// SAFETY: the mapping belongs to this `Ring` alone (nothing else holds its
// address), and nothing about it is tied to the creating thread, so it may
// move to another thread with its owner.
unsafe impl Send for Ring {}

impl Ring {
    /// Sets up the ring on `sock` (after `set_tpacket_v3`) and maps it.
    /// `block_size` must be a multiple of the page size.
    pub(crate) fn new(
        sock: &PacketSocket,
        block_size: u32,
        block_nr: u32,
        frame_size: u32,
        retire_timeout_ms: u32,
    ) -> io::Result<Ring> {
        let frames_per_block = block_size / frame_size.max(1);
        let req = libc::tpacket_req3 {
            tp_block_size: block_size,
            tp_block_nr: block_nr,
            tp_frame_size: frame_size,
            tp_frame_nr: frames_per_block.saturating_mul(block_nr),
            tp_retire_blk_tov: retire_timeout_ms,
            tp_sizeof_priv: 0,
            tp_feature_req_word: 0,
        };
        sock.set_option(libc::SOL_PACKET, libc::PACKET_RX_RING, &req)?;
        let len = (block_size as usize)
            .checked_mul(block_nr as usize)
            .ok_or_else(|| io::Error::from(io::ErrorKind::InvalidInput))?;
        // SAFETY: a new shared mapping of the ring the kernel just created
        // for this socket; address NULL lets the kernel choose a fresh range
        // that aliases no Rust object. The result is checked for MAP_FAILED.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED,
                sock.fd.as_raw_fd(),
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        let ptr =
            NonNull::new(p.cast::<u8>()).ok_or_else(|| io::Error::from(io::ErrorKind::Other))?;
        Ok(Ring {
            ptr,
            len,
            block_size: block_size as usize,
            block_nr: block_nr as usize,
        })
    }

    /// Number of blocks.
    pub(crate) fn blocks(&self) -> usize {
        self.block_nr
    }

    /// The status word of block `i` (which must be < `block_nr`).
    fn status(&self, i: usize) -> &AtomicU32 {
        debug_assert!(i < self.block_nr);
        let off = i * self.block_size + BLOCK_STATUS_OFFSET;
        assert!(off + 4 <= self.len);
        // SAFETY: `off + 4 <= len`, so the word lies inside the mapping,
        // which lives as long as `self`; blocks start on page boundaries, so
        // it is 4-byte aligned. The kernel and this module only ever access
        // the word as a whole 32-bit value, with barriers on the kernel side
        // and acquire/release here (the protocol of packet_mmap.rst).
        unsafe { AtomicU32::from_ptr(self.ptr.as_ptr().add(off).cast::<u32>()) }
    }

    /// The bytes of block `i` if the kernel has handed it to us
    /// (`TP_STATUS_USER`), else `None`.
    pub(crate) fn block(&self, i: usize) -> Option<&[u8]> {
        if i >= self.block_nr {
            return None;
        }
        if self.status(i).load(Ordering::Acquire) & libc::TP_STATUS_USER == 0 {
            return None;
        }
        // SAFETY: the block lies inside the mapping (i < block_nr). Its
        // status is TP_STATUS_USER, read with acquire ordering after the
        // kernel's write barrier, so the kernel has finished writing it and
        // will not write it again until `release(i)` stores TP_STATUS_KERNEL;
        // `release` takes `&mut self`, so the returned borrow ends before.
        Some(unsafe {
            std::slice::from_raw_parts(self.ptr.as_ptr().add(i * self.block_size), self.block_size)
        })
    }

    /// Hands block `i` back to the kernel.
    pub(crate) fn release(&mut self, i: usize) {
        if i < self.block_nr {
            self.status(i)
                .store(libc::TP_STATUS_KERNEL, Ordering::Release);
        }
    }
}

impl Drop for Ring {
    fn drop(&mut self) {
        // SAFETY: `ptr` and `len` are exactly the mapping made in `new`, and
        // no borrow of it can outlive `self`.
        unsafe {
            libc::munmap(self.ptr.as_ptr().cast(), self.len);
        }
    }
}
