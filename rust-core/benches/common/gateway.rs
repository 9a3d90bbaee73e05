//! The SMS gateway's side of `reports serve`, for the benchmarks that load
//! it: the server started on a free loopback port, and POSTs on keep-alive
//! HTTP/1.1 connections written by hand, so that what is timed is the
//! server and the socket, not a client library's pool.

use super::http::spawn_listening;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// `reports serve` of the publisher database named by `db_args` on a free
/// loopback port, and its address (read from its first line).
pub fn start_serve(cli: &Path, db_args: &[String], tokens: &Path) -> (Child, String) {
    let mut cmd = Command::new(cli);
    cmd.args(db_args)
        .args([
            "reports",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--token-file",
        ])
        .arg(tokens)
        .stderr(Stdio::inherit());
    let server = spawn_listening(&mut cmd, "listening on ")
        .unwrap_or_else(|line| panic!("serve said {line:?}"));
    (server.child, server.addr)
}

/// A keep-alive HTTP/1.1 connection.
pub struct Conn {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

/// One POST of `body` to `/v1/messages`, with `token` as the bearer (none:
/// refused 401); its status, or 0 when none came (the server is gone). The
/// connection is opened when there is none and dropped when it failed.
pub fn post(conn: &mut Option<Conn>, addr: &str, body: &str, token: Option<&str>) -> u16 {
    if conn.is_none() {
        let Ok(stream) = TcpStream::connect(addr) else {
            return 0;
        };
        let _ = stream.set_nodelay(true);
        let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
        let writer = stream.try_clone().unwrap();
        *conn = Some(Conn {
            reader: BufReader::new(stream),
            writer,
        });
    }
    let c = conn.as_mut().unwrap();
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let request = format!(
        "POST /v1/messages HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n{auth}Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    match exchange(c, request.as_bytes()) {
        Some(status) => status,
        None => {
            *conn = None;
            0
        }
    }
}

fn exchange(c: &mut Conn, request: &[u8]) -> Option<u16> {
    c.writer.write_all(request).ok()?;
    let mut line = String::new();
    c.reader.read_line(&mut line).ok()?;
    let status: u16 = line.split(' ').nth(1)?.parse().ok()?;
    let mut length = 0usize;
    loop {
        line.clear();
        if c.reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((n, v)) = l.split_once(':')
            && n.eq_ignore_ascii_case("content-length")
        {
            length = v.trim().parse().ok()?;
        }
    }
    let mut body = vec![0; length];
    c.reader.read_exact(&mut body).ok()?;
    Some(status)
}
