//! The reference backend on 127.0.0.1 for tests and benchmarks, the same way everywhere: its own
//! thread and runtime (so sync and async tests alike can use it), the real accept loop, and a
//! clean stop when the value is dropped.

pub mod balancer;
pub mod instance;
pub mod postgres;

use std::sync::Arc;

use crate::http::Config;
use crate::server::Limits;
use crate::store::Store;

/// A running reference backend; dropping it stops it (connections included).
pub struct Loopback {
    pub url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Loopback {
    /// Serves `store` with `config` and the default limits.
    pub fn serve(store: Arc<dyn Store>, config: Config) -> Loopback {
        Loopback::serve_with(store, config, Limits::default())
    }

    pub fn serve_with(store: Arc<dyn Store>, config: Config, limits: Limits) -> Loopback {
        // Bound here, before the thread starts, so the URL is known and the port is taken.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binding 127.0.0.1 for a test backend");
        Loopback::serve_on(listener, store, config, limits, None)
    }

    /// Serves over HTTPS with `cert` (which must name 127.0.0.1); `url` is `https://…`.
    pub fn serve_tls(store: Arc<dyn Store>, config: Config, cert: Arc<elements_tls::ServerCert>) -> Loopback {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binding 127.0.0.1 for a test backend");
        Loopback::serve_on(listener, store, config, Limits::default(), Some(cert))
    }

    /// Serves again at the address of a backend that was stopped (`url` from it): devices that
    /// knew it find it back, as after a venue's network outage.
    pub fn serve_again(url: &str, store: Arc<dyn Store>, config: Config) -> Loopback {
        let addr = url.trim_start_matches("http://");
        let listener = std::net::TcpListener::bind(addr).expect("binding the stopped backend's address again");
        Loopback::serve_on(listener, store, config, Limits::default(), None)
    }

    fn serve_on(
        listener: std::net::TcpListener,
        store: Arc<dyn Store>,
        config: Config,
        limits: Limits,
        tls: Option<Arc<elements_tls::ServerCert>>,
    ) -> Loopback {
        // Plain `reqwest::Client::new()`s in tests need a TLS provider even for http://.
        elements_tls::install_default_provider();
        let scheme = if tls.is_some() { "https" } else { "http" };
        let url = format!("{scheme}://{}", listener.local_addr().expect("a bound address"));
        listener.set_nonblocking(true).expect("a non-blocking listener");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("test-backend".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("a runtime for the test backend");
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener).expect("a tokio listener");
                    let router = crate::http::router_with(store, config);
                    let _ = crate::server::serve(listener, router, limits, tls, async {
                        let _ = stopped.await;
                    })
                    .await;
                });
                // Dropping the runtime here ends the connections still open.
            })
            .expect("a thread for the test backend");
        Loopback { url, stop: Some(stop), thread: Some(thread) }
    }

    /// Stops it now: the port refuses connections afterwards.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Loopback {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// A day at the event, through the real intake: `attendees` people (a shared code each) check
/// in to a session most hours of the first day, one in five leaving early for a booth, visit
/// booths at lunch and in the afternoon, two thirds answer the opening poll, and some ask the
/// map the way (from the info desk to a booth, or from where they stand to the lab).
/// Deterministic.
/// Answers how many signals were pushed. For benchmarks, the analytics' screenshots and tests.
pub fn a_day_at_the_event(
    store: &crate::store::SqliteStore,
    event: &elements_protocol::event::EventBundle,
    attendees: usize,
) -> usize {
    use crate::store::{Redeemed, Store};
    use elements_protocol::auth::{RedeemRequest, Role};
    use elements_protocol::signal::{Action, Signal};
    let at = |t: &str| chrono::DateTime::parse_from_rfc3339(t).expect("time");
    store.add_code("DAY", Role::Attendee, false).expect("code");
    // The first day's sessions by starting hour.
    let mut by_hour: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for s in event.sessions.iter().filter(|s| s.starts_at.date_naive() == at("2027-03-10T12:00:00+01:00").date_naive())
    {
        by_hour.entry(s.starts_at.format("%H").to_string()).or_default().push(s.id.clone());
    }
    let booths: Vec<&str> =
        event.points_of_interest.iter().filter(|p| p.id.starts_with("poi-booth")).map(|p| p.id.as_str()).collect();
    let mut signals = 0;
    for p in 0..attendees {
        let device = format!("phone-{p}");
        let request =
            RedeemRequest { code: "DAY".into(), client_id: device.clone(), display_name: None, show_name: false };
        let Redeemed::Token(t) = store.redeem(&request).expect("redeem") else { panic!("redeem") };
        let caller = store.authenticate(&t.token).expect("auth").expect("caller");
        let mut actions: Vec<(String, Action)> = Vec::new();
        for (i, (hour, sessions)) in by_hour.iter().enumerate() {
            // Most people skip some hours; each picks a session by a fixed spread.
            if (p + i) % 3 == 2 {
                continue;
            }
            let minute = 2 + (p * 7 + i * 13) % 20;
            let session = &sessions[(p * 31 + i * 17) % sessions.len()];
            actions.push((
                format!("2027-03-10T{hour}:{minute:02}:00+01:00"),
                Action::CheckIn { session_id: session.clone() },
            ));
            // One in five leaves a session early for a booth.
            if (p + i) % 5 == 0 {
                let booth = booths[(p * 13 + i) % booths.len()];
                actions.push((
                    format!("2027-03-10T{hour}:{:02}:00+01:00", minute + 20),
                    Action::BoothVisit { poi_id: booth.into() },
                ));
            }
            if hour == "12" || hour == "15" {
                let booth = booths[(p * 11 + i) % booths.len()];
                actions.push((format!("2027-03-10T{hour}:45:00+01:00"), Action::BoothVisit { poi_id: booth.into() }));
            }
        }
        if p % 4 == 1 {
            let to = booths[(p / 4) % booths.len().min(4)];
            actions.push((
                "2027-03-10T11:05:00+01:00".into(),
                Action::AskRoute { to: to.into(), from: Some("poi-info".into()) },
            ));
        }
        if p % 6 == 0 {
            actions.push(("2027-03-10T13:50:00+01:00".into(), Action::AskRoute { to: "poi-lab".into(), from: None }));
        }
        if p % 3 != 0 {
            actions.push((
                "2027-03-10T09:10:00+01:00".into(),
                Action::Vote { poll_id: "poll-opening".into(), option_id: "o2".into() },
            ));
        }
        for (seq, (t, action)) in actions.into_iter().enumerate() {
            let signal = Signal {
                id: format!("{device}-{seq}"),
                client_id: device.clone(),
                seq: seq as u64 + 1,
                schema_version: action.schema_version(),
                created_at: at(&t),
                action,
            };
            store.push(&caller, &[signal], at(&t).to_utc()).expect("push");
            signals += 1;
        }
    }
    signals
}
