//! The reference backend on 127.0.0.1 for tests and benchmarks, the same way everywhere: its own
//! thread and runtime (so sync and async tests alike can use it), the real accept loop, and a
//! clean stop when the value is dropped.

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
