//! The CLI's servers from the outside: started with their address read
//! from the first line they print, and spoken to over raw HTTP/1.1, one
//! request a connection, so that what is tested is the server and the
//! socket, not a client library. Only std and serde_json: the benchmarks
//! of canhgiac-core include this file by its path.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::Duration;

/// A server the CLI runs, and where it listens.
pub struct Listening {
    pub child: Child,
    /// What it prints after its first line (read on, e.g., at its stop).
    pub stdout: BufReader<ChildStdout>,
    pub addr: String,
}

/// Spawns `cmd` with its stdout piped and reads its first line, which
/// must be `prefix` and the address; otherwise the line it printed, as
/// the error, with the child left running for the caller to see to.
pub fn spawn_listening(cmd: &mut Command, prefix: &str) -> Result<Listening, String> {
    let mut child = cmd.stdout(Stdio::piped()).spawn().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    let _ = stdout.read_line(&mut line);
    match line.trim().strip_prefix(prefix) {
        Some(addr) => Ok(Listening {
            addr: addr.to_string(),
            child,
            stdout,
        }),
        None => {
            let _ = child.kill();
            let _ = child.wait();
            Err(line)
        }
    }
}

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    /// The first header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The `Set-Cookie` line of cookie `name`, whole.
    pub fn set_cookie(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("set-cookie"))
            .map(|(_, v)| v.as_str())
            .find(|v| v.starts_with(&format!("{name}=")))
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        let line = self.set_cookie(name)?;
        let value = line.split(';').next()?.split_once('=')?.1;
        Some(value.to_string())
    }

    pub fn location(&self) -> &str {
        self.header("location").unwrap_or("")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|_| panic!("not JSON: {}", self.body))
    }
}

/// One HTTP/1.1 request on its own connection; a header with an empty
/// value is not sent (a test's "no cookie").
pub fn http(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Response {
    try_http(addr, method, path, headers, body).unwrap()
}

/// As `http`, the failures as errors. The body is written from another
/// thread, so that a server answering before it has read a large body
/// (413) is heard.
pub fn try_http(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<Response> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (n, v) in headers.iter().filter(|(_, v)| !v.is_empty()) {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    let sending = (!body.is_empty())
        .then(|| {
            let mut writer = stream.try_clone()?;
            let body = body.to_vec();
            Ok::<_, std::io::Error>(std::thread::spawn(move || {
                let _ = writer.write_all(&body);
            }))
        })
        .transpose()?;
    let mut raw = Vec::new();
    let read = stream.read_to_end(&mut raw);
    if let Some(sending) = sending {
        let _ = sending.join();
    }
    if raw.is_empty() {
        read?;
    }
    let invalid = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what);
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "no complete response")
        })?;
    let head = std::str::from_utf8(&raw[..end]).map_err(|_| invalid("a head not UTF-8"))?;
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| invalid("no status"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    // Text (pages, JSON, errors) must be UTF-8; only nginx's data files
    // are binary, and the tests read their headers alone.
    let body = &raw[end + 4..];
    let binary = headers.iter().any(|(n, v)| {
        n.eq_ignore_ascii_case("content-type") && v.starts_with("application/octet-stream")
    });
    let body = if binary {
        String::from_utf8_lossy(body).into_owned()
    } else {
        String::from_utf8(body.to_vec()).map_err(|_| invalid("a text body not UTF-8"))?
    };
    Ok(Response {
        status,
        headers,
        body,
    })
}
