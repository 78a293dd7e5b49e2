//! Joining: a backend by address, the join QR code photographed, a join link handed to a second
//! launch.

use elements_e2e::*;
use fantoccini::Locator;

/// `--join URL`: the app pulls the event a reference backend serves on 127.0.0.1 and shows it,
/// with its sync state in the header.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn joining_a_backend_shows_its_event_and_sync_state() {
    let mut served = demo();
    served.manifest.id = "synced-summit".into();
    served.manifest.name = "Synced Summit".into();
    served.sessions.retain(|s| s.title.len() % 3 != 0);
    let (url, _store, server, _dir) = serve(&served, None).await;
    // What the event's join QR code carries: the address and a join code.
    let link = format!("elements://join?url={url}&code=JOIN-E2E");
    with_app(&["--join", &link], |c| async move {
        let name = eventually("the joined event's name", WAIT, || text_of(&c, "[data-testid=event-name]")).await;
        assert_eq!(name, "Synced Summit");
        wait_for_day(&c, &served, served.manifest.days[0].index).await;
        let state = eventually("the sync badge", WAIT, || async {
            c.find(Locator::Css("[data-testid=sync-badge]")).await.ok()?.attr("data-state").await.ok()?
        })
        .await;
        assert_eq!(state, "synced");
        after_paint(&c).await;
        let (x, y, w, h) = c.get_window_rect().await.expect("rect");
        shoot(&env().screenshots, "joined-event", (x, y, w as u32, h as u32), None).await;
    })
    .await;
    server.stop();
}

/// Over HTTPS: the app given the venue's CA (`--ca-file`) joins a backend whose certificate that
/// CA signed, syncs every Element in TLS, and the Me screen raises no plain-http warning.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn joining_over_https_with_the_venues_ca_syncs_the_event() {
    let mut served = demo();
    served.manifest.id = "secure-summit".into();
    served.manifest.name = "Secure Summit".into();
    let (url, server, dir) = serve_https(&served).await;
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    let ca = dir.path().join("ca.pem").display().to_string();
    let link = format!("elements://join?url={url}&code=JOIN-E2E");
    with_app(&["--ca-file", &ca, "--join", &link], |c| async move {
        let name = eventually("the event joined over https", WAIT, || async {
            let name = text_of(&c, "[data-testid=event-name]").await?;
            (name == "Secure Summit").then_some(name)
        })
        .await;
        assert_eq!(name, "Secure Summit");
        let state = eventually("the sync badge settled", WAIT, || async {
            let s = c.find(Locator::Css("[data-testid=sync-badge]")).await.ok()?.attr("data-state").await.ok()??;
            (s == "synced").then_some(s)
        })
        .await;
        assert_eq!(state, "synced");
        tap(&c, "[data-testid=nav-me]").await;
        let source =
            eventually("the Me screen names the https backend", WAIT, || text_of(&c, "[data-testid=event-source]"))
                .await;
        assert!(source.contains("https://127.0.0.1:"), "{source}");
        assert!(c.find(Locator::Css("[data-testid=unencrypted]")).await.is_err(), "https is not flagged");
    })
    .await;
    server.stop();
}

/// Joining by the event's join QR code: the person picks a photo of it (on a phone, the camera)
/// on the Me screen; the app reads the code, joins and redeems it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scanning_the_join_code_joins_the_event() {
    let mut served = demo();
    served.manifest.id = "scanned-summit".into();
    served.manifest.name = "Scanned Summit".into();
    let (url, _store, server, dir) = serve(&served, None).await;
    // The code as the event prints it, photographed: a PNG with a quiet zone.
    let link = format!("elements://join?url={url}&code=JOIN-E2E");
    let photo = qr_photo(dir.path(), "join-code", &link);
    with_app(&[], |c| async move {
        eventually("the demo event", WAIT, || text_of(&c, "[data-testid=event-name]")).await;
        c.find(Locator::Css("[data-testid=nav-me]")).await.expect("me tab").click().await.expect("tap");
        let input = eventually("the scan button", WAIT, || async {
            c.find(Locator::Css("[data-testid=join-scan]")).await.ok()
        })
        .await;
        input.send_keys(&photo.display().to_string()).await.expect("choose the photo");
        let name = eventually("the scanned event", WAIT, || async {
            let name = text_of(&c, "[data-testid=event-name]").await?;
            (name == "Scanned Summit").then_some(name)
        })
        .await;
        assert_eq!(name, "Scanned Summit");
        // The code was redeemed: the directory (token only) synced.
        let state = eventually("the sync badge settled", WAIT, || async {
            let s = c.find(Locator::Css("[data-testid=sync-badge]")).await.ok()?.attr("data-state").await.ok()??;
            (s == "synced").then_some(s)
        })
        .await;
        assert_eq!(state, "synced");
    })
    .await;
    server.stop();
}

/// A join link opened while the app runs: the system starts the app a second time with the
/// link as its only argument; that launch hands the link to the running app (over the session
/// bus) and exits, and the running window joins and shows the joined event.
#[tokio::test]
async fn a_join_link_given_to_a_second_launch_reaches_the_running_app_which_joins() {
    let mut served = demo();
    served.manifest.id = "linked-summit".into();
    served.manifest.name = "Linked Summit".into();
    let (url, _store, server, _dir) = serve(&served, None).await;
    let link = elements_protocol::link::Link::Join { url, code: Some("JOIN-E2E".into()) }.to_string();
    let data = tempfile::tempdir().expect("temp dir");
    let folder = data.path().to_path_buf();
    with_app_at(data.path(), &[], |c| async move {
        let demo_name = demo().manifest.name;
        eventually("the demo event", WAIT, || async {
            (text_of(&c, "[data-testid=event-name]").await? == demo_name).then_some(())
        })
        .await;
        second_launch(&link, &folder).await;
        eventually("the joined event in the first window", WAIT, || async {
            (text_of(&c, "[data-testid=event-name]").await? == "Linked Summit").then_some(())
        })
        .await;
        let windows = c.windows().await.expect("windows");
        assert_eq!(windows.len(), 1, "still one window");
    })
    .await;
    server.stop();
}
