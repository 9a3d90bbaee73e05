//! Entry points for the coverage-guided fuzz targets in `rust-core/fuzz/`
//! (feature `fuzzing`, never in a build that ships). Each takes the raw
//! bytes libFuzzer makes up and drives one parser that reads outside input,
//! the way the product drives it. A panic, an overflow (debug assertions
//! are on) or a blow-up in time or memory is a finding; an `Err` is not.

use crate::feed::codec::{self, EntrySet, Limits};
use crate::store::{ListId, Store, Writer};
use std::sync::OnceLock;

/// A caller string, as the screening service receives it.
pub fn number(data: &[u8]) {
    if let Ok(s) = std::str::from_utf8(data)
        && let Ok(n) = crate::number::normalize(s)
    {
        // What screening and importing do next with a parsed number.
        let _ = n.key();
        let _ = crate::import::parse_target(s);
    }
}

/// An SMS body as people send it to 156/5656 (the publisher's inbox), and
/// an inbox export around it: parsed as the publisher's ingest parses it.
pub fn sms(data: &[u8]) {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(sms) = crate::inbox::parse_body(body) {
        // What ingest reads back from a parsed report.
        let _ = sms.number().map(|n| n.key());
        let _ = sms.sender_id();
        let _ = sms.category.call_category();
    }
}

/// A gateway's inbox export as `reports ingest` reads it (the first byte
/// picks CSV or JSON Lines): each message read or rejected alone, or the
/// whole file refused; never a panic, never more than a message's bound
/// held.
pub fn inbox(data: &[u8]) {
    let Some((&which, export)) = data.split_first() else {
        return;
    };
    let format = if which & 1 == 0 {
        crate::inbox::InboxFormat::Csv
    } else {
        crate::inbox::InboxFormat::Jsonl
    };
    let mut last_line = 0;
    let _ = crate::inbox::read_inbox(export, format, |line, message| {
        // Each message starts on a line of its own, after the last one's.
        assert!(line > last_line, "line {line} after {last_line}");
        last_line = line;
        if let Ok(m) = message {
            let _ = (m.received_at.len(), m.sender, m.to, m.body, m.message_id);
        }
        Ok(())
    });
}

/// A CSV the user picked, or a publisher's list.
pub fn import_csv(data: &[u8]) {
    let _ = crate::import::parse_csv(data);
}

/// The report form: number, content and template, split by NUL bytes; the
/// first byte picks the options.
pub fn report(data: &[u8]) {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let mut parts = text.split('\0');
    let request = crate::report::ReportRequest {
        number: parts.next().unwrap_or_default().to_string(),
        content: parts.next().unwrap_or_default().to_string(),
        template: parts.next().map(str::to_string),
        kind: match flags % 3 {
            0 => crate::report::ReportKind::ScamCall,
            1 => crate::report::ReportKind::NuisanceCall,
            _ => crate::report::ReportKind::SpamSms,
        },
        target: if flags & 4 == 0 {
            crate::report::ReportTarget::Hotline156
        } else {
            crate::report::ReportTarget::Hotline5656
        },
        fold_diacritics: flags & 8 != 0,
    };
    let _ = crate::report::build(&request);
}

fn key() -> &'static ed25519_dalek::SigningKey {
    static KEY: OnceLock<ed25519_dalek::SigningKey> = OnceLock::new();
    KEY.get_or_init(|| ed25519_dalek::SigningKey::from_bytes(&[7; 32]))
}

/// A manifest file as a server sends it, and, since a forger cannot sign,
/// the same bytes as the manifest text a stolen key would sign: then the
/// plan a phone makes from it at several held versions.
pub fn manifest(data: &[u8]) {
    let pinned = [key().verifying_key()];
    let _ = crate::feed::verify(data, &pinned);
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = crate::feed::sign_text(text.to_string(), key());
    if let Ok(m) = crate::feed::verify(&file, &pinned) {
        let _ = m.expires_at();
        for have in [None, Some(0), Some(m.version / 2), Some(m.version)] {
            let _ = crate::feed::plan(&m, have);
        }
    }
}

/// A scratch database, one per fuzzing process, whose writes are always
/// rolled back: every input meets the real tables, statements and upserts.
fn scratch() -> &'static Store {
    static STORE: OnceLock<Store> = OnceLock::new();
    STORE.get_or_init(|| {
        let path = std::env::temp_dir().join(format!("canhgiac-fuzz-{}.db", std::process::id()));
        let _ = std::fs::remove_file(&path);
        Store::open(&path).expect("a scratch database").store
    })
}

/// Decodes `data` into the scratch database and rolls back.
fn into_scratch(data: &[u8], read: impl FnOnce(&[u8], &mut Writer<'_>) -> crate::Result<()>) {
    let _ = scratch().write(|tx| -> crate::Result<()> {
        let mut w = Writer::new(tx, ListId(1))?;
        read(data, &mut w)?;
        Err(crate::Error::Feed("rolled back".into()))
    });
}

fn limits() -> Limits {
    Limits {
        max_entries: 100_000,
        ..Limits::now()
    }
}

/// A decompressed snapshot: decoded in memory, then applied to a database.
pub fn snapshot(data: &[u8]) {
    let _ = codec::read_snapshot(data, &mut EntrySet::default(), &limits());
    into_scratch(data, |d, w| codec::read_snapshot(d, w, &limits()).map(drop));
}

/// A decompressed delta: decoded in memory, then applied to a database.
pub fn delta(data: &[u8]) {
    let _ = codec::read_step(data, &mut EntrySet::default(), &limits());
    into_scratch(data, |d, w| codec::read_step(d, w, &limits()).map(drop));
}

/// A compressed file as downloaded: decompressed within a bound, decoded.
pub fn feed_file(data: &[u8]) {
    if let Ok(raw) = codec::decompress(data, 1 << 20) {
        let _ = codec::read_snapshot(&raw, &mut EntrySet::default(), &limits());
        let _ = codec::read_step(&raw, &mut EntrySet::default(), &limits());
    }
}

/// Seed inputs for each target, made by the encoders themselves, so that
/// the fuzzer starts from files the format accepts.
pub fn seeds() -> Vec<(&'static str, Vec<u8>)> {
    use crate::model::{Category, Reported, Target};
    let mut set = EntrySet::default();
    let day = crate::dates::today() - 3;
    for (i, label) in [Some("mạo danh công an"), None, Some("xin mã OTP")]
        .into_iter()
        .enumerate()
    {
        set.insert(
            Target::Number(84_912_345_678 + i as i64 * 17),
            Reported {
                category: if i == 1 {
                    Category::Nuisance
                } else {
                    Category::Scam
                },
                reports: 1 + 40 * i as u32,
                last_reported: Some(day - i as i32),
                label: label.map(str::to_string),
                reporters: None,
                source: None,
            },
        );
    }
    set.insert(
        Target::Prefix("8424399".into()),
        Reported {
            category: Category::Nuisance,
            reports: 2,
            last_reported: None,
            label: None,
            reporters: None,
            source: None,
        },
    );
    let mut next = set.clone();
    next.numbers.remove(&84_912_345_678);
    next.insert(
        Target::Number(84_987_654_321),
        Reported {
            category: Category::Scam,
            reports: 3,
            last_reported: Some(day),
            label: Some("mạo danh công an".into()),
            reporters: None,
            source: None,
        },
    );
    // Format 2's evidence on some entries, so the fuzzer starts from files
    // with every column filled.
    if let Some(r) = set.numbers.values_mut().nth(1) {
        r.reporters = Some(r.reports.min(12));
        r.source = Some(crate::model::Source {
            name: "Công an TP Hà Nội".into(),
            url: Some("https://congan.hanoi.gov.vn/canh-bao/1".into()),
        });
    }
    if let Some(r) = set.numbers.values_mut().nth(2) {
        r.reporters = Some(r.reports);
    }
    let snapshot = codec::encode_snapshot(4, &set);
    // Phones still read format 1.
    let snapshot_1 = codec::encode_snapshot_as(1, 4, &set);
    let delta = codec::encode_delta(&codec::Delta::between(4, &set, 5, &next));
    let raw = |file: &[u8]| codec::decompress(file, 1 << 20).expect("our own file");
    let manifest = crate::feed::Manifest {
        format: crate::feed::FORMAT,
        version: 5,
        created: 1_764_000_000,
        expires: Some(1_764_604_800),
        key_id: crate::feed::key_id(&key().verifying_key()),
        snapshot: crate::feed::SnapshotRef {
            file: crate::feed::FileRef {
                name: "snapshot-5.bin".into(),
                size: snapshot.len() as u64,
                sha256: crate::feed::sha256_hex(&snapshot),
            },
            entries: 4,
        },
        deltas: vec![crate::feed::DeltaRef {
            from: 4,
            to: 5,
            file: crate::feed::FileRef {
                name: "delta-4-5.bin".into(),
                size: delta.len() as u64,
                sha256: crate::feed::sha256_hex(&delta),
            },
        }],
        ladder: vec![],
    };
    let mut out = vec![
        ("snapshot", raw(&snapshot)),
        ("snapshot", raw(&snapshot_1)),
        ("delta", raw(&delta)),
        ("feed_file", snapshot.clone()),
        ("feed_file", delta.clone()),
        ("manifest", serde_json::to_vec(&manifest).expect("serialises")),
        ("manifest", crate::feed::sign(&manifest, key())),
        (
            "import_csv",
            "number,category,reports,last_reported,label\n0912345678,scam,37,2024-02-15,mạo danh công an\n+224*,scam,5,,wangiri\n\"0987000115\",nuisance,2,,\"nhãn, có dấu phẩy\"\n".into(),
        ),
        (
            "inbox",
            b"\0received_at,sender,to,body,message_id\r\n2026-11-28T08:12:00+07:00,0901000001,156,\"LD 0912 345 678 m\xe1\xba\xa1o danh\nc\xc3\xb4ng an, \"\"g\xe1\xbb\x8di\"\"\",gw-1\r\n2026-11-28 09:00:00,84901000002,5656,V 0900000001,\n".to_vec(),
        ),
        (
            "inbox",
            b"\x01{\"received_at\":\"2026-11-28T08:12:00+07:00\",\"sender\":\"0901000001\",\"to\":156,\"body\":\"LD 0912345678\\nc\\u00f4ng an\",\"message_id\":42}\n{\"received_at\":\"x\"}\nnot json\n".to_vec(),
        ),
        ("sms", "LD 0912 345 678 mạo danh công an".into()),
        ("sms", "ld:(0912.345.678)(gọi nói là công an)".into()),
        ("sms", "V [+84 91 234 5678][quảng cáo]".into()),
        ("sms", "S [FE CREDIT] vay nhanh".into()),
        ("sms", "LĐ０９１２３４５６７８".into()),
        ("sms", "cam on".into()),
        ("report", b"\x000912345678\0M\xe1\xba\xa1o danh c\xc3\xb4ng an\0{keyword} {number} {content}".to_vec()),
    ];
    for n in [
        "+84 91 234 5678",
        "0084.912.345.678",
        "01621234567",
        "０９１２３４５６７８",
        "113",
        "tel:5656",
        "+224 621 23 45 67",
        "1900 1234",
    ] {
        out.push(("number", n.as_bytes().to_vec()));
    }
    out
}
