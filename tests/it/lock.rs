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
