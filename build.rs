//! Embeds every response contract (`contracts/<vendor>/*.response.json`) in the binary, so the
//! OpenAPI export (`src/openapi`) describes answers wherever the binary runs.

use std::fmt::Write;

fn main() {
    println!("cargo:rerun-if-changed=contracts");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("contracts");
    let mut files = Vec::new();
    for vendor in std::fs::read_dir(&root).expect("contracts/ exists") {
        let vendor = vendor.expect("readable contracts/").path();
        if !vendor.is_dir() {
            continue;
        }
        println!("cargo:rerun-if-changed={}", vendor.display());
        for file in std::fs::read_dir(&vendor).expect("readable vendor folder") {
            let path = file.expect("readable contract").path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if let Some(op) = name.strip_suffix(".response.json") {
                let vendor_name = vendor.file_name().unwrap().to_string_lossy().into_owned();
                files.push((vendor_name, op.to_owned(), path.display().to_string()));
            }
        }
    }
    files.sort();
    let mut out = String::from("/// (vendor, operation id or `error`, schema text).\npub static RESPONSES: &[(&str, &str, &str)] = &[\n");
    for (vendor, op, path) in files {
        writeln!(out, "    ({vendor:?}, {op:?}, include_str!({path:?})),").unwrap();
    }
    out.push_str("];\n");
    let dest = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("responses.rs");
    std::fs::write(dest, out).unwrap();
}
