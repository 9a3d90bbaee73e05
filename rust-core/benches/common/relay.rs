//! A TCP relay on loopback that counts the bytes each way: what a phone's
//! radio carries above TCP (TLS handshakes and records, HTTP headers and
//! bodies), whatever is inside. TCP/IP's own headers are not counted.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::SeqCst};
use std::time::{Duration, Instant};

#[derive(Default)]
struct Counts {
    /// Phone to server.
    up: AtomicU64,
    /// Server to phone.
    down: AtomicU64,
    connections: AtomicU64,
    /// Connections not yet closed both ways.
    open: AtomicU64,
}

/// What went through since the last `take`.
#[derive(Debug, Default, Clone, Copy)]
pub struct Traffic {
    pub up: u64,
    pub down: u64,
    pub connections: u64,
}

impl Traffic {
    pub fn total(&self) -> u64 {
        self.up + self.down
    }
}

/// Listens on a free loopback port and relays every connection to
/// `upstream`; the threads end with the process.
pub struct Relay {
    pub port: u16,
    counts: Arc<Counts>,
}

impl Relay {
    pub fn start(upstream: u16) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let counts = Arc::new(Counts::default());
        let c = counts.clone();
        std::thread::spawn(move || {
            for phone in listener.incoming() {
                let Ok(phone) = phone else { continue };
                let server = TcpStream::connect(("127.0.0.1", upstream)).unwrap();
                c.connections.fetch_add(1, SeqCst);
                c.open.fetch_add(1, SeqCst);
                let c = c.clone();
                std::thread::spawn(move || {
                    let (p2, s2) = (phone.try_clone().unwrap(), server.try_clone().unwrap());
                    let cd = c.clone();
                    let down = std::thread::spawn(move || pipe(s2, p2, &cd.down));
                    pipe(phone, server, &c.up);
                    let _ = down.join();
                    c.open.fetch_sub(1, SeqCst);
                });
            }
        });
        Relay { port, counts }
    }

    /// The bytes since the last call, once every connection has closed
    /// (the phone's process has exited, so its connection closes; the
    /// wait only lets the relay's threads see it).
    pub fn take(&self) -> Traffic {
        let t = Instant::now();
        while self.counts.open.load(SeqCst) > 0 {
            assert!(
                t.elapsed() < Duration::from_secs(10),
                "a relayed connection stayed open"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        Traffic {
            up: self.counts.up.swap(0, SeqCst),
            down: self.counts.down.swap(0, SeqCst),
            connections: self.counts.connections.swap(0, SeqCst),
        }
    }
}

/// Copies `from` to `to`, counting what was read, until `from` ends; then
/// passes the end on.
fn pipe(mut from: TcpStream, mut to: TcpStream, count: &AtomicU64) {
    let mut buf = [0u8; 16 * 1024];
    loop {
        match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                count.fetch_add(n as u64, SeqCst);
                if to.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}
