//! A round-robin TCP load balancer on 127.0.0.1 in front of several backend instances, as any
//! load balancer in production would be: each connection to the next instance, bytes passed
//! through untouched.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Runs until dropped.
pub struct Balancer {
    pub url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Balancer {
    /// Balances over `upstreams` (`http://host:port`).
    pub fn start(upstreams: &[String]) -> Result<Balancer, String> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
        listener.set_nonblocking(true).map_err(|e| e.to_string())?;
        let url = format!("http://{}", listener.local_addr().map_err(|e| e.to_string())?);
        let upstreams: Arc<Vec<String>> =
            Arc::new(upstreams.iter().map(|u| u.trim_start_matches("http://").to_string()).collect());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("balancer".into())
            .spawn(move || {
                let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
                rt.block_on(async move {
                    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else { return };
                    let next = AtomicUsize::new(0);
                    let accept = async {
                        while let Ok((mut client, _)) = listener.accept().await {
                            let upstream = upstreams[next.fetch_add(1, Ordering::Relaxed) % upstreams.len()].clone();
                            tokio::spawn(async move {
                                if let Ok(mut up) = tokio::net::TcpStream::connect(&upstream).await {
                                    let _ = tokio::io::copy_bidirectional(&mut client, &mut up).await;
                                }
                            });
                        }
                    };
                    tokio::select! {
                        _ = accept => {}
                        _ = stopped => {}
                    }
                });
            })
            .map_err(|e| e.to_string())?;
        Ok(Balancer { url, stop: Some(stop), thread: Some(thread) })
    }
}

impl Drop for Balancer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
