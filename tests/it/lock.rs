//! One writer per output folder: while `broadsheet watch` runs on a site, a `broadsheet build`
//! of the same output fails at once, naming the lock file and the watcher's PID, and writes
//! nothing; `check` (which writes nothing) still runs; once the watcher is killed (its lock
//! file stays behind) `build` succeeds.

use std::path::Path;
use std::process::{Command, Output};

use crate::support::read_tree;
use crate::watch::{Watcher, fixture_copy};

fn broadsheet(command: &str, site: &Path, out: Option<&Path>) -> Output {
    let mut run = Command::new(env!("CARGO_BIN_EXE_broadsheet"));
    run.arg(command).arg("--root").arg(site);
    if let Some(out) = out {
        run.arg("--output-dir").arg(out);
    }
    run.env("NO_COLOR", "1").output().unwrap()
}

#[test]
fn a_build_beside_a_running_watch_fails_naming_the_lock_and_writes_nothing() {
    let (dir, site) = fixture_copy();
    let out = dir.path().join("out");
    let watcher = Watcher::start(&site, &out);
    watcher.wait_for_line("watching");
    let before = read_tree(&out);
    assert!(!before.is_empty(), "the watcher's first build wrote the site");

    let build = broadsheet("build", &site, Some(&out));
    let stderr = String::from_utf8_lossy(&build.stderr);
    assert_eq!(build.status.code(), Some(1), "{stderr}");
    let lock = dir.path().join(".out.lock");
    let pid = watcher.pid();
    assert!(stderr.contains(&format!("`{}` is locked", lock.display())), "{stderr}");
    assert!(
        stderr.contains(&format!("stop the other `broadsheet watch` (pid {pid}) or wait for it")),
        "{stderr}"
    );
    assert!(read_tree(&out) == before, "the refused build changed the output");
    assert!(!dir.path().join(".out.staging").exists(), "the refused build staged pages");

    let check = broadsheet("check", &site, None);
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));

    drop(watcher); // killed: the OS drops its lock, the file stays
    assert!(lock.exists());
    let build = broadsheet("build", &site, Some(&out));
    assert!(build.status.success(), "{}", String::from_utf8_lossy(&build.stderr));
}

/// `serve` holds the lock too: a second `serve` or a `watch` of the same site fails at once,
/// naming the serving process, and the first one keeps serving.
#[test]
fn a_second_serve_or_watch_beside_a_running_serve_fails_naming_it() {
    use std::io::{BufRead, BufReader};
    let (_dir, site) = fixture_copy();
    let port = crate::tools::free_port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_broadsheet"))
        .args(["serve", "--port", &port.to_string(), "--root"])
        .arg(&site)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pid = server.id();
    let mut stdout = BufReader::new(server.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains("serving") {
        line.clear();
        if stdout.read_line(&mut line).unwrap() == 0 {
            break;
        }
    }
    let _reader = std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let kill = Kill(server);
    assert!(line.contains("serving"), "serve never started: {line}");

    let other_port = crate::tools::free_port().to_string();
    for args in [vec!["serve", "--port", other_port.as_str()], vec!["watch"]] {
        let mut command = Command::new(env!("CARGO_BIN_EXE_broadsheet"));
        let run = command.args(&args).arg("--root").arg(&site).env("NO_COLOR", "1").output();
        let run = run.unwrap();
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains(&format!("`broadsheet serve` (pid {pid}), is writing")),
            "{args:?}: {stderr}"
        );
        assert!(stderr.contains(&format!("stop the other `broadsheet serve` (pid {pid})")));
    }
    let index = std::net::TcpStream::connect(("127.0.0.1", port));
    assert!(index.is_ok(), "the first serve stopped");
    drop(kill);
}

/// Kills and reaps a child when dropped, so a failing assertion leaves nothing running.
struct Kill(std::process::Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
