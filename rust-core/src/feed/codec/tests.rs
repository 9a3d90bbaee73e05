use super::*;
use std::io::Write;

fn rep(category: Category, reports: u32, day: Option<i32>, label: Option<&str>) -> Reported {
    Reported {
        category,
        reports,
        last_reported: day,
        label: label.map(str::to_string),
        reporters: None,
        source: None,
    }
}

fn sample() -> EntrySet {
    let mut s = EntrySet::default();
    s.insert(
        Target::Number(84_912_345_678),
        rep(Category::Scam, 37, Some(20_000), Some("mạo danh công an")),
    );
    s.insert(
        Target::Number(84_900_000_001),
        rep(Category::Nuisance, 1, None, None),
    );
    s.insert(
        Target::Number(84_900_000_002),
        rep(Category::Scam, 1_000_000, Some(19_000), Some("xin mã OTP")),
    );
    s.insert(
        Target::Number(84_321_234_567),
        rep(Category::Scam, 31, Some(20_001), Some("mạo danh công an")),
    );
    s.insert(
        Target::Prefix("8424399".into()),
        rep(Category::Nuisance, 8, Some(19_990), None),
    );
    s
}

#[test]
fn snapshot_round_trips() {
    let s = sample();
    let file = encode_snapshot(7, &s);
    let mut back = EntrySet::default();
    let raw = decompress(&file, 1 << 20).unwrap();
    assert_eq!(
        read_snapshot(&raw, &mut back, &Limits::now())
            .unwrap()
            .version,
        7
    );
    assert_eq!(back, s);
}

/// What format 2 adds: distinct reporters and the official source.
fn with_evidence() -> EntrySet {
    let mut s = sample();
    let police = Source {
        name: "Công an TP Hà Nội".into(),
        url: Some("https://congan.hanoi.gov.vn/canh-bao/123".into()),
    };
    s.numbers.get_mut(&84_912_345_678).unwrap().reporters = Some(12);
    s.numbers.get_mut(&84_900_000_002).unwrap().reporters = Some(1_000_000);
    s.numbers.get_mut(&84_900_000_001).unwrap().source = Some(police.clone());
    let p = s.prefixes.get_mut("8424399").unwrap();
    p.source = Some(Source {
        name: "Bộ TT&TT".into(),
        url: None,
    });
    p.reporters = Some(8);
    s
}

#[test]
fn verified_and_suspicious_entries_travel_in_format_2_and_are_left_out_of_format_1() {
    for category in [Category::Verified, Category::Suspicious] {
        let mut s = sample();
        s.insert(
            Target::Number(842_439_361_111),
            Reported {
                category,
                reports: 1,
                last_reported: None,
                label: Some("Ngân hàng X — tổng đài".into()),
                reporters: None,
                source: Some(Source {
                    name: "Bộ Công an".into(),
                    url: None,
                }),
            },
        );
        let mut back = EntrySet::default();
        let raw = decompress(&encode_snapshot(1, &s), 1 << 20).unwrap();
        read_snapshot(&raw, &mut back, &Limits::now()).unwrap();
        assert_eq!(back, s, "{category}");
        let mut old = EntrySet::default();
        let raw = decompress(&encode_snapshot_as(1, 1, &s), 1 << 20).unwrap();
        let info = read_snapshot(&raw, &mut old, &Limits::now()).unwrap();
        assert_eq!(
            old,
            sample(),
            "no {category} entry, and none turned into a scam"
        );
        assert_eq!(info.entries, sample().len() as u64);
        // A listed number that becomes verified or suspicious leaves a
        // format-1 list.
        let mut next = sample();
        next.numbers.get_mut(&84_912_345_678).unwrap().category = category;
        let delta = encode_delta_as(1, &Delta::between(1, &sample(), 2, &next));
        let raw = decompress(&delta, 1 << 20).unwrap();
        read_delta(&raw, &mut old, &Limits::now()).unwrap();
        assert!(!old.numbers.contains_key(&84_912_345_678), "{category}");
    }
}

#[test]
fn format_2_carries_reporters_and_sources() {
    let s = with_evidence();
    let raw = decompress(&encode_snapshot(3, &s), 1 << 20).unwrap();
    assert_eq!(&raw[..4], b"CGS2");
    let mut back = EntrySet::default();
    read_snapshot(&raw, &mut back, &Limits::now()).unwrap();
    assert_eq!(back, s);
    // A format-1 file of the same list keeps everything else.
    let raw = decompress(&encode_snapshot_as(1, 3, &s), 1 << 20).unwrap();
    assert_eq!(&raw[..4], b"CGS1");
    let mut old = EntrySet::default();
    read_snapshot(&raw, &mut old, &Limits::now()).unwrap();
    assert_eq!(old, sample());
}

/// A decompressed format-2 snapshot: one number, these sources, and the
/// given flags, reporters and sources columns.
fn raw_snapshot_2(sources: &[(&str, &str)], flags: u8, reporters: &[u8], src: &[u8]) -> Vec<u8> {
    let mut out = b"CGS2".to_vec();
    out.extend(varints([1, 0, 0, sources.len() as u64]));
    for (name, url) in sources {
        for t in [name, url] {
            put_varint(&mut out, t.len() as u64);
            out.extend_from_slice(t.as_bytes());
        }
    }
    let number = varints([84_912_345_678]);
    for cols in [
        [&number[..], &[flags], &[], &[], reporters, src],
        [&[][..], &[], &[], &[], &[], &[]],
    ] {
        let count = if cols[0].is_empty() { 0 } else { 1 };
        out.extend(varints([count]));
        for c in cols {
            put_varint(&mut out, c.len() as u64);
            out.extend_from_slice(c);
        }
    }
    out
}

#[test]
fn format_2_evidence_a_stolen_key_could_forge_is_refused() {
    let ok = [("Công an", "https://congan.gov.vn/1")];
    // reports 3 (flags bits 6-7 = 2), 2 reporters (bit 4), source 1 (bit
    // 5): accepted.
    const REPORTERS: u8 = 1 << 4;
    const SOURCE: u8 = 1 << 5;
    let raw = raw_snapshot_2(
        &ok,
        (2 << 6) | REPORTERS | SOURCE,
        &varints([2]),
        &varints([1]),
    );
    let mut set = EntrySet::default();
    read_snapshot(&raw, &mut set, &Limits::now()).unwrap();
    let r = &set.numbers[&84_912_345_678];
    assert_eq!((r.reports, r.reporters), (3, Some(2)));
    assert_eq!(
        r.source.as_ref().unwrap().url.as_deref(),
        Some("https://congan.gov.vn/1")
    );

    let refused = |raw: Vec<u8>, why: &str| {
        assert!(
            matches!(read(&raw, &Limits::now()), Err(CodecError::Malformed(_))),
            "{why}"
        );
    };
    refused(
        raw_snapshot_2(&ok, (2 << 6) | REPORTERS, &varints([4]), &[]),
        "more reporters than reports",
    );
    refused(
        raw_snapshot_2(&ok, (2 << 6) | REPORTERS, &varints([0]), &[]),
        "no reporters",
    );
    refused(
        raw_snapshot_2(&ok, SOURCE, &[], &varints([2])),
        "source index past the table",
    );
    refused(
        raw_snapshot_2(&ok, SOURCE, &[], &varints([0])),
        "source index 0",
    );
    refused(
        raw_snapshot_2(&ok, REPORTERS, &[], &[]),
        "a reporters flag without a value",
    );
    // Kind 3, once refused, is a suspicious entry (a burst not confirmed).
    let mut set = EntrySet::default();
    read_snapshot(&raw_snapshot_2(&ok, 3, &[], &[]), &mut set, &Limits::now()).unwrap();
    assert_eq!(set.numbers[&84_912_345_678].category, Category::Suspicious);
    refused(
        raw_snapshot_2(&ok, 0, &varints([1]), &[]),
        "a reporters value left over",
    );
    for (name, url) in [
        ("", ""),
        ("\u{1b}[31mCông an", ""),
        ("\u{202E}evil", ""),
        ("Công an", "javascript:alert(1)"),
        ("Công an", "https://a b"),
        ("Công an", "file:///etc/passwd"),
    ] {
        refused(raw_snapshot_2(&[(name, url)], 0, &[], &[]), name);
    }
    let long = "x".repeat(MAX_SOURCE_NAME_CHARS + 1);
    refused(raw_snapshot_2(&[(&long, "")], 0, &[], &[]), "a long name");
    // More sources than any file may name, before any is read.
    let mut many = b"CGS2".to_vec();
    many.extend(varints([1, 0, 0, MAX_SOURCES + 1]));
    many.extend(vec![0u8; (MAX_SOURCES as usize + 1) * 2]);
    refused(many, "too many sources");
}

#[test]
fn delta_carries_adds_changes_and_removals() {
    let old = sample();
    let mut new = old.clone();
    new.numbers.remove(&84_900_000_001);
    new.prefixes.clear();
    new.insert(
        Target::Number(84_987_654_321),
        rep(Category::Scam, 2, Some(20_002), None),
    );
    new.numbers.get_mut(&84_912_345_678).unwrap().reports = 38;
    let d = Delta::between(7, &old, 8, &new);
    assert_eq!(d.upserts.len(), 2);
    assert_eq!(d.removed_numbers, vec![84_900_000_001]);
    assert_eq!(d.removed_prefixes, vec!["8424399".to_string()]);
    let raw = decompress(&encode_delta(&d), 1 << 20).unwrap();
    let mut applied = old.clone();
    assert_eq!(
        read_delta(&raw, &mut applied, &Limits::now()).unwrap(),
        (7, 8)
    );
    assert_eq!(applied, new);
    let mut in_memory = old;
    d.apply_to(&mut in_memory);
    assert_eq!(in_memory, new);
}

#[test]
fn hostile_files_are_errors_not_panics() {
    let good = decompress(&encode_snapshot(1, &sample()), 1 << 20).unwrap();
    // Every truncation, and every single-byte change, fails cleanly or
    // decodes to something; none panics.
    for cut in 0..good.len() {
        assert!(
            read_snapshot(&good[..cut], &mut EntrySet::default(), &Limits::now()).is_err(),
            "cut at {cut}"
        );
    }
    for i in 0..good.len() {
        for flip in [0x01u8, 0x80, 0xff] {
            let mut bad = good.clone();
            bad[i] ^= flip;
            let _ = read_snapshot(&bad, &mut EntrySet::default(), &Limits::now());
        }
    }
    assert_eq!(
        read_delta(&good, &mut EntrySet::default(), &Limits::now()),
        Err(CodecError::Magic("delta"))
    );
    assert_eq!(
        decompress(b"not brotli at all", 1 << 20),
        Err(CodecError::Compression)
    );
}

#[test]
fn decompression_is_bounded() {
    let big = vec![0u8; 1 << 20];
    let mut file = Vec::new();
    brotli::CompressorWriter::new(&mut file, 4096, 5, 22)
        .write_all(&big)
        .unwrap();
    assert_eq!(decompress(&file, 1000), Err(CodecError::TooLarge(1000)));
}

// ---------- hostile files: what a stolen key could sign ----------

fn varints(values: impl IntoIterator<Item = u64>) -> Vec<u8> {
    let mut out = Vec::new();
    for v in values {
        put_varint(&mut out, v);
    }
    out
}

/// A section: count, then the keys, flags, dates and labels columns.
fn section(n: u64, cols: [&[u8]; 4]) -> Vec<u8> {
    let mut out = varints([n]);
    for c in cols {
        put_varint(&mut out, c.len() as u64);
        out.extend_from_slice(c);
    }
    out
}

/// A decompressed snapshot with these labels and this numbers section
/// (no prefixes), as a publisher's key could sign it.
fn raw_snapshot(base_day: i64, labels: &[&str], numbers: Vec<u8>) -> Vec<u8> {
    let mut out = SNAPSHOT_MAGICS[0].to_vec();
    put_varint(&mut out, 1);
    put_varint(&mut out, ((base_day << 1) ^ (base_day >> 63)) as u64);
    put_varint(&mut out, labels.len() as u64);
    for l in labels {
        put_varint(&mut out, l.len() as u64);
        out.extend_from_slice(l.as_bytes());
    }
    out.extend(numbers);
    out.extend(section(0, [&[], &[], &[], &[]]));
    out
}

fn read(raw: &[u8], limits: &Limits) -> CResult<SnapshotInfo> {
    read_snapshot(raw, &mut EntrySet::default(), limits)
}

/// One entry, number 84912345678, flags as given.
fn one_number(flags: u8, dates: &[u8], labels: &[u8]) -> Vec<u8> {
    section(1, [&varints([84_912_345_678]), &[flags], dates, labels])
}

#[test]
fn the_raw_builder_makes_files_the_decoder_accepts() {
    // With a label and a date: so that the refusals below test one thing each.
    let raw = raw_snapshot(20_000, &["mạo danh công an"], one_number(2 | 4, &[0], &[1]));
    let mut set = EntrySet::default();
    let info = read_snapshot(&raw, &mut set, &Limits::now()).unwrap();
    assert_eq!((info.version, info.entries), (1, 1));
    let r = &set.numbers[&84_912_345_678];
    assert_eq!(r.label.as_deref(), Some("mạo danh công an"));
    assert_eq!(r.last_reported, Some(20_000));
}

#[test]
fn long_labels_and_labels_with_control_or_bidi_characters_are_refused() {
    // Finding 4 (a 100 MiB label) in small: anything over 60 characters.
    let long = "x".repeat(61);
    // Finding 8: ESC sequences, CR, BEL and U+202E were stored and printed raw.
    for label in [
        long.as_str(),
        "\u{1b}[31mred",
        "a\rb",
        "bell\u{7}",
        "\u{202E}evil",
        "",
    ] {
        let raw = raw_snapshot(20_000, &[label], one_number(4, &[], &[1]));
        assert!(
            matches!(read(&raw, &Limits::now()), Err(CodecError::Malformed(_))),
            "{label:?}"
        );
    }
    let ok = "y".repeat(60);
    assert!(
        read(
            &raw_snapshot(20_000, &[&ok], one_number(4, &[], &[1])),
            &Limits::now()
        )
        .is_ok()
    );
}

#[test]
fn a_table_of_too_many_labels_is_refused_before_it_is_read() {
    // Finding 5: 100 million empty labels took 2.5 GB. The table is bounded.
    let labels: Vec<String> = (0..=MAX_LABELS).map(|i| format!("l{i}")).collect();
    let refs: Vec<&str> = labels.iter().map(String::as_str).collect();
    let raw = raw_snapshot(20_000, &refs, section(0, [&[], &[], &[], &[]]));
    assert_eq!(
        read(&raw, &Limits::now()),
        Err(CodecError::Malformed("too many labels"))
    );
}

#[test]
fn more_entries_than_the_ceiling_are_refused_whole() {
    // Finding 6: 60 million entries from a 141-byte file. Here 1,001 over a
    // ceiling of 1,000, counted before any is read.
    let n = 1_001u64;
    let keys = varints(std::iter::once(84_900_000_000).chain((1..n).map(|_| 1)));
    let flags = vec![0u8; n as usize];
    let raw = raw_snapshot(20_000, &[], section(n, [&keys, &flags, &[], &[]]));
    let tight = Limits {
        max_entries: 1_000,
        ..Limits::now()
    };
    assert_eq!(read(&raw, &tight), Err(CodecError::TooManyEntries(1_000)));
    assert_eq!(read(&raw, &Limits::now()).unwrap().entries, n);
}

#[test]
fn impossible_numbers_repeats_and_dates_are_refused() {
    // Finding 17: the numbers 0 and 2^63-1, a number twice, dates outside
    // 2000-01-01 .. tomorrow.
    let flags0 = [0u8];
    for keys in [varints([0]), varints([i64::MAX as u64]), varints([99])] {
        let raw = raw_snapshot(20_000, &[], section(1, [&keys, &flags0, &[], &[]]));
        assert!(read(&raw, &Limits::now()).is_err(), "{keys:?}");
    }
    let twice = varints([84_912_345_678, 0]);
    let raw = raw_snapshot(20_000, &[], section(2, [&twice, &[0, 0], &[], &[]]));
    assert!(read(&raw, &Limits::now()).is_err());
    let today = crate::dates::today();
    for (base, back) in [
        (i64::from(MIN_DAY) - 1, 0),
        (i64::from(today) + 2, 0),
        (-(1 << 31), 0),
    ] {
        let raw = raw_snapshot(base, &[], one_number(2, &varints([back]), &[]));
        assert!(
            matches!(read(&raw, &Limits::now()), Err(CodecError::Malformed(_))),
            "base day {base}"
        );
    }
    let raw = raw_snapshot(i64::from(today) + 1, &[], one_number(2, &varints([0]), &[]));
    assert!(read(&raw, &Limits::now()).is_ok(), "tomorrow is allowed");
}

// ---------- properties, on random lists ----------

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn reported() -> impl Strategy<Value = Reported> {
        let today = crate::dates::today();
        (
            prop_oneof![
                8 => Just(Category::Scam),
                3 => Just(Category::Nuisance),
                1 => Just(Category::Verified),
                1 => Just(Category::Suspicious),
            ],
            1u32..5_000,
            proptest::option::of(MIN_DAY..=today),
            proptest::option::of(prop_oneof![
                Just("mạo danh công an".to_string()),
                Just("xin mã OTP".to_string()),
                "[a-zà-ỹ ]{1,60}"
                    .prop_filter("a valid label", |l| crate::text::check_label(l).is_ok()),
            ]),
            proptest::option::of(0.0f64..=1.0),
            proptest::option::of(prop_oneof![
                Just(Source {
                    name: "Công an TP Hà Nội".into(),
                    url: Some("https://congan.hanoi.gov.vn/canh-bao/1".into()),
                }),
                Just(Source {
                    name: "Bộ TT&TT".into(),
                    url: None,
                }),
            ]),
        )
            .prop_map(|(category, reports, last_reported, label, share, source)| {
                Reported {
                    category,
                    reports,
                    last_reported,
                    label,
                    // 1 to `reports` distinct people.
                    reporters: share.map(|f| 1 + ((reports - 1) as f64 * f) as u32),
                    source,
                }
            })
    }

    /// What format 1 keeps of a list: no reporters, no sources, no
    /// verified or suspicious entries.
    fn as_format_1(set: &EntrySet) -> EntrySet {
        let strip = |r: &Reported| Reported {
            reporters: None,
            source: None,
            ..r.clone()
        };
        let kept = |r: &Reported| matches!(r.category, Category::Scam | Category::Nuisance);
        EntrySet {
            numbers: set
                .numbers
                .iter()
                .filter(|(_, r)| kept(r))
                .map(|(k, r)| (*k, strip(r)))
                .collect(),
            prefixes: set
                .prefixes
                .iter()
                .filter(|(_, r)| kept(r))
                .map(|(k, r)| (k.clone(), strip(r)))
                .collect(),
        }
    }

    fn entry_set() -> impl Strategy<Value = EntrySet> {
        (
            proptest::collection::btree_map(100i64..=999_999_999_999_999, reported(), 0..200),
            proptest::collection::btree_map("[0-9]{1,15}", reported(), 0..20),
        )
            .prop_map(|(numbers, prefixes)| EntrySet { numbers, prefixes })
    }

    fn decode(file: &[u8]) -> EntrySet {
        let mut set = EntrySet::default();
        let raw = decompress(file, MAX_EXPANDED_BYTES).unwrap();
        read_snapshot(&raw, &mut set, &Limits::now()).unwrap();
        set
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn a_snapshot_decodes_to_the_list_it_encodes(set in entry_set(), version in 1u64..u64::MAX) {
            let raw = decompress(&encode_snapshot(version, &set), MAX_EXPANDED_BYTES).unwrap();
            let mut back = EntrySet::default();
            let info = read_snapshot(&raw, &mut back, &Limits::now()).unwrap();
            prop_assert_eq!(info.version, version);
            prop_assert_eq!(info.entries, set.len() as u64);
            prop_assert_eq!(back, set);
        }

        #[test]
        fn a_snapshot_and_a_delta_make_the_next_snapshot(a in entry_set(), b in entry_set()) {
            let d = Delta::between(1, &a, 2, &b);
            // Only what changed: every upsert differs, every removal left.
            prop_assert!(d.upserts.numbers.iter().all(|(k, v)| a.numbers.get(k) != Some(v)));
            prop_assert!(d.upserts.prefixes.iter().all(|(k, v)| a.prefixes.get(k) != Some(v)));
            prop_assert!(d.removed_numbers.iter().all(|k| !b.numbers.contains_key(k)));
            let delta = encode_delta(&d);
            let mut applied = decode(&encode_snapshot(1, &a));
            let raw = decompress(&delta, MAX_EXPANDED_BYTES).unwrap();
            prop_assert_eq!(read_delta(&raw, &mut applied, &Limits::now()).unwrap(), (1, 2));
            prop_assert_eq!(&applied, &b);
            prop_assert_eq!(applied, decode(&encode_snapshot(2, &b)));
        }

        /// Phones keep reading format 1 during the move to format 2.
        #[test]
        fn format_1_files_still_decode(a in entry_set(), b in entry_set()) {
            let mut applied = decode(&encode_snapshot_as(1, 1, &a));
            prop_assert_eq!(&applied, &as_format_1(&a));
            let delta = encode_delta_as(1, &Delta::between(1, &a, 2, &b));
            let raw = decompress(&delta, MAX_EXPANDED_BYTES).unwrap();
            read_delta(&raw, &mut applied, &Limits::now()).unwrap();
            prop_assert_eq!(applied, as_format_1(&b));
        }
    }
}
