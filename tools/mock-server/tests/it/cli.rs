//! The binary: first line names the URL, --port-file gets the port.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn the_binary_prints_its_url_first_and_writes_the_port_file() {
    let dir = std::env::temp_dir().join(format!("zoom-mock-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let port_file = dir.join("port");
    let mut child = Command::new(env!("CARGO_BIN_EXE_zoom-phone-mock"))
        .args(["--port", "0", "--port-file"])
        .arg(&port_file)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    child.kill().unwrap();
    let _ = child.wait();
    let port = std::fs::read_to_string(&port_file).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(
        line.trim_end(),
        format!("listening on http://127.0.0.1:{port}")
    );
    assert!(port.parse::<u16>().unwrap() > 0);
}

#[test]
fn bad_flags_exit_2_with_a_message() {
    let out = Command::new(env!("CARGO_BIN_EXE_zoom-phone-mock"))
        .args(["--rate-limits", "gold"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("gold"));
}
