#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| canhgiac_core::fuzzing::inbox(data));
