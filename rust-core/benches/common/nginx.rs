//! nginx (Debian's) serving a folder on a free loopback port, as a CDN
//! serves the feed to phones; stopped when dropped.

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct Nginx(Child);

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// nginx serving `root`, its own files in `work`; and its port.
pub fn nginx(root: &Path, work: &Path) -> (Nginx, u16) {
    nginx_with(root, work, "access_log off;", "")
}

/// As `nginx`, with `http` directives (logging) and `server` directives
/// (locations) of the caller's own.
pub fn nginx_with(root: &Path, work: &Path, http: &str, server: &str) -> (Nginx, u16) {
    nginx_tls(root, work, http, server, None)
}

/// As `nginx_with`, serving https when `tls` gives a certificate chain
/// (leaf first) and its key.
pub fn nginx_tls(
    root: &Path,
    work: &Path,
    http: &str,
    server: &str,
    tls: Option<(&Path, &Path)>,
) -> (Nginx, u16) {
    let ssl = tls.map_or(String::new(), |(chain, key)| {
        format!(
            " ssl; ssl_protocols TLSv1.2 TLSv1.3; ssl_certificate {}; ssl_certificate_key {}",
            chain.display(),
            key.display()
        )
    });
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let w = work.display();
    std::fs::write(
        work.join("nginx.conf"),
        format!(
            "daemon off; master_process off; pid {w}/nginx.pid; error_log {w}/error.log;
             events {{ worker_connections 64; }}
             http {{ {http} sendfile on;
               client_body_temp_path {w}; proxy_temp_path {w}; fastcgi_temp_path {w};
               uwsgi_temp_path {w}; scgi_temp_path {w};
               server {{ listen 127.0.0.1:{port}{ssl}; root {}; {server} }} }}",
            root.display()
        ),
    )
    .unwrap();
    let bin = ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .expect("nginx");
    let child = Command::new(bin)
        .args([
            "-c",
            work.join("nginx.conf").to_str().unwrap(),
            "-p",
            work.to_str().unwrap(),
        ])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        std::thread::sleep(Duration::from_millis(20));
    }
    (Nginx(child), port)
}
