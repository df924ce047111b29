//! `EdgeServers`: Pushpin and Varnish in front of an origin, started by
//! `deploy/run-edge.sh` exactly as an operator starts them (the same
//! templates, flags and readiness checks), on free loopback ports and a
//! temporary run directory. Both stop when the value is dropped.
//!
//! ```text
//! reader -> Pushpin (public_url) -> Varnish (varnish_url) -> origin
//!           publish: grip_url       purge: purge_url
//! ```

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

pub struct EdgeServers {
    script: Child,
    /// Configs, sockets and logs of this edge; removed on drop.
    run_dir: TempDir,
    public_port: u16,
    varnish_port: u16,
    publish_port: u16,
    grip_key: String,
}

/// How one start attempt is going.
enum Startup {
    Ready,
    Starting,
    /// The script gave up (most likely a port taken since it was picked).
    Failed(String),
}

/// Start attempts, each on newly picked ports, before a test fails.
const ATTEMPTS: usize = 5;
/// Varnish compiles its VCL with a C compiler: about a second, more on a busy machine.
const START_LIMIT: Duration = Duration::from_secs(90);

impl EdgeServers {
    /// Starts Pushpin and Varnish in front of `origin`; Pushpin signs what it
    /// forwards with `grip_key` (letters, digits, `-_.~`). Returns once both
    /// answer. The origin need not be up yet: Varnish counts it healthy
    /// from the start and probes `/healthz` every second.
    pub async fn start(origin: SocketAddr, grip_key: &str) -> EdgeServers {
        let grip_key = grip_key.to_owned();
        // On the blocking pool: the app under test keeps serving meanwhile.
        tokio::task::spawn_blocking(move || EdgeServers::start_blocking(origin, &grip_key))
            .await
            .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))
    }

    /// [`EdgeServers::start`] for where no `.await` can go, such as the
    /// closure of `TestApp::spawn_with`, whose `config.bind` is the address
    /// the app is about to serve on:
    ///
    /// ```ignore
    /// let mut edge = None;
    /// let app = TestApp::spawn_with(|config| {
    ///     let servers = EdgeServers::start_blocking(config.bind.parse().unwrap(), KEY);
    ///     // config.purge_url = ...servers.purge_url(); config.grip_url = ...servers.grip_url();
    ///     edge = Some(servers);
    /// })
    /// .await;
    /// ```
    ///
    /// It blocks the test's thread for a second or two, before the app serves.
    pub fn start_blocking(origin: SocketAddr, grip_key: &str) -> EdgeServers {
        let mut failures = Vec::new();
        for _ in 0..ATTEMPTS {
            let mut edge = EdgeServers::spawn(origin, grip_key);
            let deadline = Instant::now() + START_LIMIT;
            loop {
                match edge.startup(deadline) {
                    Startup::Ready => return edge,
                    Startup::Starting => std::thread::sleep(Duration::from_millis(50)),
                    Startup::Failed(log) => {
                        failures.push(log);
                        break;
                    }
                }
            }
        }
        panic!("{}", EdgeServers::gave_up(&failures))
    }

    /// Where readers go: Pushpin, e.g. `http://127.0.0.1:41234` (no trailing slash).
    pub fn public_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.public_port)
    }

    /// Varnish itself, behind Pushpin: what reaches a reader before Pushpin
    /// (Pushpin's HTTP client decompresses every response, so only here are
    /// the origin's gzip and br variants seen as stored).
    pub fn varnish_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.varnish_port)
    }

    /// For the origin's `--purge-url`: Varnish, which takes `PURGE` with an `xkey` header.
    pub fn purge_url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.varnish_port)
    }

    /// For the origin's `--grip-url`: Pushpin's publish endpoint and the key of its `Grip-Sig`.
    pub fn grip_url(&self) -> String {
        format!(
            "http://127.0.0.1:{}/?iss=pushpin&key={}",
            self.publish_port, self.grip_key
        )
    }

    /// A Varnish counter by its `varnishstat` name, e.g. `MAIN.backend_req`,
    /// `MAIN.cache_hit`, `MAIN.cache_miss`, `MAIN.n_object`.
    pub fn varnish_counter(&self, name: &str) -> u64 {
        let output = Command::new("varnishstat")
            .arg("-n")
            .arg(self.run_dir.path().join("varnish"))
            .args(["-1", "-f", name])
            .output()
            .expect("varnishstat runs (it comes with varnishd)");
        let text = String::from_utf8_lossy(&output.stdout);
        text.lines()
            .find_map(|line| {
                let mut fields = line.split_whitespace();
                (fields.next() == Some(name)).then(|| fields.next()?.parse().ok())?
            })
            .unwrap_or_else(|| {
                panic!(
                    "no Varnish counter {name}: {text}{}",
                    String::from_utf8_lossy(&output.stderr)
                )
            })
    }

    /// Every log of this edge (the run directory's `log/`), for a failing
    /// assertion's message.
    pub fn logs(&self) -> String {
        let mut logs = String::new();
        let mut paths: Vec<PathBuf> = std::fs::read_dir(self.run_dir.path().join("log"))
            .map(|dir| dir.filter_map(|e| Some(e.ok()?.path())).collect())
            .unwrap_or_default();
        paths.push(self.run_dir.path().join("run-edge.log"));
        paths.sort();
        for path in paths {
            if let Ok(text) = std::fs::read_to_string(&path) {
                logs.push_str(&format!("--- {}\n{text}", path.display()));
            }
        }
        logs
    }

    /// Runs `deploy/run-edge.sh` on newly picked ports.
    fn spawn(origin: SocketAddr, grip_key: &str) -> EdgeServers {
        let run_dir = tempfile::Builder::new()
            .prefix("newsdesk-edge.")
            .tempdir()
            .expect("temp dir");
        let [public_port, varnish_port, publish_port] = free_ports();
        let log = std::fs::File::create(run_dir.path().join("run-edge.log")).unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/run-edge.sh");
        let mut command = Command::new("bash");
        command
            .arg(script)
            .arg("--origin")
            .arg(origin.to_string())
            .arg("--public-port")
            .arg(public_port.to_string())
            .arg("--varnish-port")
            .arg(varnish_port.to_string())
            .arg("--publish-port")
            .arg(publish_port.to_string())
            .arg("--grip-key")
            .arg(grip_key)
            .arg("--run-dir")
            .arg(run_dir.path())
            // Should this test process die without dropping us (SIGKILL),
            // the script still stops both servers.
            .arg("--exit-with")
            .arg(std::process::id().to_string())
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log);
        // Its own process group: a Ctrl-C meant for `cargo test` reaches the
        // script only through our drop, which stops things in order.
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let script = command
            .spawn()
            .expect("bash runs deploy/run-edge.sh (Varnish and Pushpin: `make test-tools`)");
        EdgeServers {
            script,
            run_dir,
            public_port,
            varnish_port,
            publish_port,
            grip_key: grip_key.to_owned(),
        }
    }

    fn startup(&mut self, deadline: Instant) -> Startup {
        // The script writes `ready` once Varnish and Pushpin both answer.
        if self.run_dir.path().join("ready").exists() {
            return Startup::Ready;
        }
        if let Some(status) = self.script.try_wait().unwrap() {
            return Startup::Failed(format!("run-edge.sh exited ({status}):\n{}", self.logs()));
        }
        if Instant::now() > deadline {
            return Startup::Failed(format!(
                "Varnish and Pushpin did not answer within {START_LIMIT:?}:\n{}",
                self.logs()
            ));
        }
        Startup::Starting
    }

    fn gave_up(failures: &[String]) -> String {
        format!(
            "could not start Varnish and Pushpin ({ATTEMPTS} attempts; are varnish, \
             varnish-modules and pushpin installed? `make test-tools` installs them). \
             Last attempt:\n{}",
            failures.last().map(String::as_str).unwrap_or("")
        )
    }

    /// Every process still running from this edge's run directory: the
    /// directory's random name appears in each one's command line.
    fn leftovers(&self) -> Vec<u32> {
        let marker = self.run_dir.path().to_string_lossy().into_owned();
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return Vec::new();
        };
        entries
            .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
            .filter(|&pid| pid != std::process::id())
            .filter(|pid| {
                std::fs::read(format!("/proc/{pid}/cmdline"))
                    .map(|cmdline| String::from_utf8_lossy(&cmdline).contains(&marker))
                    .unwrap_or(false)
            })
            .collect()
    }
}

impl Drop for EdgeServers {
    /// SIGTERM to the script, which stops Pushpin (and its zurl, condure,
    /// proxy and handler) and Varnish and waits for them; whatever is still
    /// running from this run directory after 15 s is killed.
    fn drop(&mut self) {
        let pid = self.script.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            if !matches!(self.script.try_wait(), Ok(None)) {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.script.kill();
        let _ = self.script.wait();
        for pid in self.leftovers() {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
        }
    }
}

/// Three distinct loopback ports that were free a moment ago. Another
/// process may take one before the edge binds it; `start` then tries again.
fn free_ports() -> [u16; 3] {
    let listeners: Vec<TcpListener> = (0..3)
        .map(|_| TcpListener::bind("127.0.0.1:0").expect("a free port"))
        .collect();
    let ports: Vec<u16> = listeners
        .iter()
        .map(|l| l.local_addr().unwrap().port())
        .collect();
    [ports[0], ports[1], ports[2]]
}
