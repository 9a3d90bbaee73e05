use super::*;

fn rep(category: Category, reports: u32, day: Option<i32>, label: Option<&str>) -> Reported {
    Reported {
        category,
        reports,
        last_reported: day,
        label: label.map(str::to_string),
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
    assert_eq!(read_snapshot(&raw, &mut back).unwrap(), 7);
    assert_eq!(back, s);
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
    assert_eq!(read_delta(&raw, &mut applied).unwrap(), (7, 8));
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
            read_snapshot(&good[..cut], &mut EntrySet::default()).is_err(),
            "cut at {cut}"
        );
    }
    for i in 0..good.len() {
        for flip in [0x01u8, 0x80, 0xff] {
            let mut bad = good.clone();
            bad[i] ^= flip;
            let _ = read_snapshot(&bad, &mut EntrySet::default());
        }
    }
    assert_eq!(
        read_delta(&good, &mut EntrySet::default()),
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
