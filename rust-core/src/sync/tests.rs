use super::*;

#[test]
fn a_feed_address_with_a_query_is_refused() {
    // Finding 15: `…/feed/?x=1` silently fetched the parent folder.
    for bad in [
        "https://x.org/feed/?x=1",
        "https://x.org/feed/#top",
        "ftp://x.org/feed/",
    ] {
        assert!(base_url(bad).is_err(), "{bad}");
    }
    assert_eq!(
        base_url("https://x.org/feed/manifest.json")
            .unwrap()
            .as_str(),
        "https://x.org/feed/"
    );
}

#[test]
fn an_expired_manifest_is_refused_and_says_when_it_expired() {
    assert!(not_expired(Some(100), 100).is_ok());
    assert!(not_expired(None, i64::MAX).is_ok());
    let err = not_expired(Some(1_700_000_000), 1_700_000_001).unwrap_err();
    assert!(err.to_string().contains("expired on 2023-11-1"), "{err}");
}

/// A server on loopback that answers every request with `response`.
fn canned(response: Vec<u8>) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let response = response.clone();
            std::thread::spawn(move || {
                use std::io::{Read, Write};
                // The whole request, then the answer, then a clean close
                // (unread bytes would make it a reset).
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let _ = stream.write_all(&response);
                let _ = stream.shutdown(std::net::Shutdown::Write);
                let _ = std::io::copy(&mut stream, &mut std::io::sink());
            });
        }
    });
    format!("http://127.0.0.1:{port}/feed/")
}

fn fetch_error(url: String) -> String {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("cg.db")).unwrap().store;
    let cfg = SyncConfig {
        url,
        keys: vec![crate::feed::generate_key().verifying_key()],
        max_download: DEFAULT_MAX_DOWNLOAD,
        timeout: Duration::from_secs(10),
        max_entries: 1000,
        max_bytes_now: None,
        extra_roots: Vec::new(),
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    match rt.block_on(fetch(&store, ListId(1), &cfg, Progress::NONE)) {
        Ok(_) => panic!("the fetch should fail"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn broken_servers_get_errors_that_say_what_happened() {
    // Finding 15: reqwest's generic texts for these three.
    let redirect =
        b"HTTP/1.1 302 Found\r\nLocation: /feed/manifest.json\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
            .to_vec();
    let err = fetch_error(canned(redirect));
    assert!(err.contains("redirects in a loop"), "{err}");

    let mut huge = b"HTTP/1.1 200 OK\r\nConnection: close\r\n".to_vec();
    for i in 0..2000 {
        huge.extend_from_slice(format!("X-Filler-{i}: {}\r\n", "y".repeat(100)).as_bytes());
    }
    huge.extend_from_slice(b"Content-Length: 0\r\n\r\n");
    let err = fetch_error(canned(huge));
    assert!(err.contains("headers are too large"), "{err}");

    let liar =
        b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1000\r\n\r\n{\"short\":".to_vec();
    let err = fetch_error(canned(liar));
    assert!(
        err.contains("closed the connection before sending what it announced"),
        "{err}"
    );
}

#[test]
fn sizes_are_said_as_a_phone_shows_data_use() {
    for (bytes, said) in [
        (0, "0 B"),
        (1023, "1023 B"),
        (1024, "1 KB"),
        (256 << 10, "256 KB"),
        (3_250_586, "3.1 MB"),
        (15 << 20, "15 MB"),
        (u64::MAX, "16777216 TB"),
    ] {
        assert_eq!(human_bytes(bytes), said, "{bytes}");
    }
}
