//! `scenario check` reports every problem of a file in one run, structural ones included, each
//! in plain words at its own line and column, with hints that point at the README.

use std::ffi::OsStr;
use std::process::Command;

use crate::support::scenario::scenario_file;

const SIX_MISTAKES: &str = "\
name: six-mistakes
sed: 7
rules:
  - vendor: devrev
    operation: engagements.creat
    when: { nth: \"second\" }
    respond: { error: too_many_requests }
  - vendr: devrev
    fault: reset
  - vendor: merge
    delay_ms: fast
";

#[test]
fn six_mistakes_give_six_located_messages_in_one_run() {
    let file = scenario_file("six", SIX_MISTAKES);
    let out = Command::new(env!("CARGO_BIN_EXE_engagement-sim"))
        .args(["scenario", "check"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stderr);
    let name = file.display().to_string();
    for (message, line, column) in [
        ("sed: unknown key 'sed'", 2, 1),
        (
            "rules[0]: devrev has no operation 'engagements.creat'",
            5,
            16,
        ),
        ("rules[0].when.nth: expected a list of whole numbers", 6, 13),
        ("rules[1].vendr: unknown key 'vendr'", 8, 5),
        ("rules[1].fault: 'reset' is not a fault", 9, 5),
        ("rules[2].delay_ms: expected milliseconds", 11, 5),
    ] {
        let at = text
            .find(message)
            .unwrap_or_else(|| panic!("{message:?} missing:\n{text}"));
        let location = format!("[{name}:{line}:{column}]");
        let next = text[at..].find("╭─[").map(|i| &text[at + i + "╭─".len()..]);
        assert!(
            next.is_some_and(|n| n.starts_with(&location)),
            "{message:?} is not located at {location}:\n{text}"
        );
    }
    assert!(text.contains(&format!("{name}: 6 problem(s)")), "{text}");
    // Plain words, not serde's; hints cite the README, nothing outside the repository.
    assert!(
        !text.contains("untagged enum") && !text.contains("variant"),
        "{text}"
    );
    assert!(text.contains("did you mean 'vendor'?") && text.contains("did you mean 'seed'?"));
    assert!(
        text.contains("README") && !text.contains("INTERFACE.md"),
        "{text}"
    );
}

#[test]
fn the_same_mistakes_in_json_are_located_too() {
    let json = serde_json::json!({
        "name": "j", "sed": 7,
        "rules": [
            {"vendor": "devrev", "operation": "engagements.creat", "when": {"nth": "second"}, "respond": {"error": "too_many_requests"}},
            {"vendr": "devrev", "fault": "reset"},
            {"vendor": "merge", "delay_ms": "fast"}
        ]
    });
    let dir = scenario_file("six-json", "").with_extension("json");
    std::fs::write(&dir, serde_json::to_string_pretty(&json).unwrap()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_engagement-sim"))
        .args(["scenario", "check"])
        .arg(&dir)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(text.contains(": 6 problem(s)"), "{text}");
    assert_eq!(text.matches("╭─[").count(), 6, "{text}");
}

/// The structure check mirrors the model: the README's example, which uses nearly every key,
/// passes it unchanged.
#[test]
fn the_readme_example_passes_the_check() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = &readme[readme.find("## Scenarios").expect("a Scenarios section")..];
    let start = section.find("```yaml\n").expect("a YAML example") + "```yaml\n".len();
    let example = &section[start..start + section[start..].find("```").unwrap()];
    let file = scenario_file("readme-example", example);
    let out = crate::support::cli::cli_ok([
        OsStr::new("scenario"),
        OsStr::new("check"),
        file.as_os_str(),
    ]);
    assert!(String::from_utf8_lossy(&out).contains("ok (4 rules, 1 rate limits, 0 stubs)"));
}
