//! Quests in the real app: signed checkpoint codes typed or photographed, edited ones refused,
//! rewards, the leaderboard, scenario cards across a restart.

use elements_e2e::*;
use fantoccini::Locator;

/// The demo's checkpoint code as printed at the checkpoint, signed with the demo's published key.
fn demo_checkpoint_code(b: &elements_protocol::event::EventBundle, quest: &str, checkpoint: &str) -> String {
    // The same constant as `elements_client::bundled::DEMO_QR_SECRET_HEX` (the app signs nothing;
    // the printed codes are made with it).
    const DEMO_QR_SECRET_HEX: &str = "d3e0c0de0e1e4e47a5c0de5e1e8e475d3e0c0de0e1e4e47a5c0de5e1e8e4750a";
    let secret = elements_domain::qr::secret_from_hex(DEMO_QR_SECRET_HEX).expect("secret");
    let message = elements_protocol::signal::checkpoint_message(&b.manifest.id, quest, checkpoint);
    elements_protocol::link::Link::Checkpoint {
        event: b.manifest.id.clone(),
        quest: quest.into(),
        checkpoint: checkpoint.into(),
        sig: elements_domain::qr::sign(&secret, &message),
    }
    .to_string()
}

/// The number of the scanner's last answer (0 before the first).
async fn last_scan_answer(c: &fantoccini::Client) -> u64 {
    attrs(c, "[data-testid=scan-result]", "data-answer").await.first().and_then(|n| n.parse().ok()).unwrap_or(0)
}

/// Waits for a scanner answer newer than `last`: `found`, or the refusal's reason.
async fn scan_answer_after(c: &fantoccini::Client, last: u64) -> String {
    eventually("the scan's answer", WAIT, || async {
        let answer = c
            .execute(
                "const r = document.querySelector('[data-testid=scan-result]'); \
                 return r ? [Number(r.dataset.answer), r.dataset.status === 'found' ? 'found' : r.dataset.reason] : null;",
                vec![],
            )
            .await
            .ok()?;
        (answer[0].as_u64()? > last).then(|| answer[1].as_str().map(str::to_string)).flatten()
    })
    .await
}

/// Types `code` into the checkpoint field, presses Check, and answers what the app said
/// (`found` or the refusal's reason), waiting for an answer newer than the last one shown.
async fn enter_code(c: &fantoccini::Client, code: &str) -> String {
    let field = c.find(Locator::Css("[data-testid=checkpoint-code]")).await.expect("code field");
    field.clear().await.expect("clear");
    field.send_keys(code).await.expect("type");
    let last = last_scan_answer(c).await;
    c.find(Locator::Css("[data-testid=checkpoint-check]")).await.expect("check").click().await.expect("tap");
    scan_answer_after(c, last).await
}

/// Quests in the real app, offline on the bundled demo: a checkpoint code with its signature
/// edited is refused on the spot with the reason; three signed codes typed as printed count,
/// unlock the tote bag, reveal the hidden quest and leave a card; the card survives a restart
/// and goes when dismissed. Screenshots at phone, tablet (also in Russian) and venue sizes.
#[tokio::test]
async fn quests_take_signed_codes_refuse_edited_ones_and_keep_their_cards_across_a_restart() {
    let b = demo();
    let shots = env().screenshots;
    let data = tempfile::tempdir().expect("temp dir");
    let b2 = b.clone();
    let shots2 = shots.clone();
    with_app_at(data.path(), &["--window-size", "390x844"], |c| async move {
        let (b, shots) = (b2, shots2);
        open(&c, "quests").await;
        eventually("the quests", WAIT, || text_of(&c, "[data-testid=quest-quest-harbour-trail] .quest-title")).await;
        assert!(c.find(Locator::Css("[data-testid=quest-quest-networking]")).await.is_err(), "hidden at first");
        let good = demo_checkpoint_code(&b, "quest-harbour-trail", "cp-trail-1");
        let edited = good.replace("cp-trail-1", "cp-trail-2");
        assert_eq!(enter_code(&c, &edited).await, "bad_signature");
        let said = text_of(&c, "[data-testid=scan-result]").await.expect("refusal");
        assert!(said.contains("Kestrel Security"), "the refusal names the checkpoint: {said}");
        assert_eq!(
            text_of(&c, "[data-testid=quest-quest-harbour-trail] [data-testid=quest-points]").await.as_deref(),
            Some("0 points")
        );
        for cp in ["cp-trail-1", "cp-trail-2", "cp-trail-3"] {
            assert_eq!(enter_code(&c, &demo_checkpoint_code(&b, "quest-harbour-trail", cp)).await, "found", "{cp}");
        }
        eventually("30 points", WAIT, || async {
            let p = text_of(&c, "[data-testid=quest-quest-harbour-trail] [data-testid=quest-points]").await?;
            (p == "30 points").then_some(())
        })
        .await;
        assert_eq!(attrs(&c, "[data-testid=reward-rw-tote]", "data-unlocked").await, vec!["true".to_string()]);
        eventually("the revealed quest and its card", WAIT, || async {
            c.find(Locator::Css("[data-testid=quest-quest-networking]")).await.ok()?;
            text_of(&c, "[data-testid=scenario-card] .card-text").await
        })
        .await;
        c.execute("window.scrollTo(0, 0); document.querySelector('.content').scrollTo(0, 0);", vec![])
            .await
            .expect("top");
        after_paint(&c).await;
        let (x, y, _, _) = c.get_window_rect().await.expect("window rect");
        shoot(&shots, "quests-phone", (x, y, 390, 844), None).await;
    })
    .await;

    // Restarted at tablet size: the card is still there; in Russian too.
    let shots2 = shots.clone();
    with_app_at(data.path(), &["--window-size", "820x1180"], |c| async move {
        let shots = shots2;
        open(&c, "quests").await;
        let card =
            eventually("the card after a restart", WAIT, || text_of(&c, "[data-testid=scenario-card] .card-text"))
                .await;
        assert!(card.contains("Harbour Handshakes"), "{card}");
        after_paint(&c).await;
        let (x, y, _, _) = c.get_window_rect().await.expect("window rect");
        let en = shoot(&shots, "quests-tablet", (x, y, 820, 1180), None).await;
        open(&c, "me").await;
        choose(&c, "[data-testid=language]", "ru").await;
        eventually("Russian", WAIT, || async { (language_and_theme(&c).await.0 == "ru").then_some(()) }).await;
        open(&c, "quests").await;
        let card = eventually("the card in Russian", WAIT, || async {
            text_of(&c, "[data-testid=scenario-card] .card-text").await.filter(|t| t.contains("Рукопожатия"))
        })
        .await;
        assert!(card.starts_with("Появился новый квест"), "{card}");
        after_paint(&c).await;
        shoot(&shots, "quests-tablet-ru", (x, y, 820, 1180), Some(&en)).await;
        choose_back_to_english(&c).await;
        c.find(Locator::Css("[data-testid=card-dismiss]")).await.expect("dismiss").click().await.expect("tap");
        eventually("the card gone", WAIT, || async {
            c.find(Locator::Css("[data-testid=scenario-card]")).await.is_err().then_some(())
        })
        .await;
    })
    .await;

    // Restarted on a venue-size screen: dismissed stays dismissed; the progress is kept.
    with_app_at(data.path(), &["--window-size", "1920x1080"], |c| async move {
        open(&c, "quests").await;
        eventually("the progress after restarts", WAIT, || async {
            let p = text_of(&c, "[data-testid=quest-quest-harbour-trail] [data-testid=quest-points]").await?;
            (p == "30 points").then_some(())
        })
        .await;
        assert!(c.find(Locator::Css("[data-testid=scenario-card]")).await.is_err(), "dismissed stays dismissed");
        after_paint(&c).await;
        let (x, y, _, _) = c.get_window_rect().await.expect("window rect");
        shoot(&shots, "quests-venue-screen", (x, y, 1920, 1080), None).await;
    })
    .await;
}

async fn choose_back_to_english(c: &fantoccini::Client) {
    open(c, "me").await;
    choose(c, "[data-testid=language]", "en").await;
    eventually("English", WAIT, || async { (language_and_theme(c).await.0 == "en").then_some(()) }).await;
    open(c, "quests").await;
    eventually("the quests", WAIT, || text_of(c, "[data-testid=scenario-card]")).await;
}

/// Picks a photo in the checkpoint scanner and answers what the app said of it (`found`, or the
/// refusal's reason), waiting for an answer newer than the last one shown.
async fn scan_photo(c: &fantoccini::Client, photo: &std::path::Path) -> String {
    let last = last_scan_answer(c).await;
    let input = c.find(Locator::Css("[data-testid=checkpoint-photo]")).await.expect("the photo input");
    input.send_keys(&photo.display().to_string()).await.expect("choose the photo");
    scan_answer_after(c, last).await
}

/// The Harbour Trail completed against the reference backend by photographing its five signed
/// checkpoint codes (a tampered sixth refused on the spot): both rewards unlock with desk codes
/// from the backend and the person moves to the top of the leaderboard, past Ada. Then checked in
/// to the opening keynote and reopened after it ended: the rating prompt is there, once.
/// Screenshots of the quest and its reward at phone, tablet and venue sizes.
#[tokio::test]
async fn a_quest_completed_by_photographing_signed_codes_unlocks_rewards_and_tops_the_leaderboard() {
    use elements_backend::store::Store;
    let mut served = demo();
    served.manifest.id = "questing-summit".into();
    served.manifest.name = "Questing Summit".into();
    // The backend's clock just after the opening keynote; the app's at first during it.
    let (during, after) = ("2027-03-10T09:30:00+01:00", "2027-03-10T09:50:00+01:00");
    let (url, store, server, dir) = serve(&served, Some(after)).await;
    let secret = store.qr_secret().expect("the event's QR key");
    let photo = |name: &str, quest: &str, checkpoint: &str, signed_for: &str| {
        let message = elements_protocol::signal::checkpoint_message(&served.manifest.id, quest, signed_for);
        let link = elements_protocol::link::Link::Checkpoint {
            event: served.manifest.id.clone(),
            quest: quest.into(),
            checkpoint: checkpoint.into(),
            sig: elements_domain::qr::sign(&secret, &message),
        };
        qr_photo(dir.path(), name, &link.to_string())
    };
    let trail: Vec<std::path::PathBuf> = (1..=5)
        .map(|i| {
            photo(&format!("trail-{i}"), "quest-harbour-trail", &format!("cp-trail-{i}"), &format!("cp-trail-{i}"))
        })
        .collect();
    // Checkpoint 2's code with the signature of checkpoint 1: edited, so refused.
    let tampered = photo("tampered", "quest-harbour-trail", "cp-trail-2", "cp-trail-1");
    let ada_scan = elements_protocol::signal::Action::CheckpointScan {
        quest_id: "quest-harbour-trail".into(),
        checkpoint_id: "cp-trail-1".into(),
        proof: Some(elements_domain::qr::sign(
            &secret,
            &elements_protocol::signal::checkpoint_message(&served.manifest.id, "quest-harbour-trail", "cp-trail-1"),
        )),
    };
    let ada = someone_else(&store, "Ada", vec![ada_scan], after).await;
    assert!(matches!(ada[0], elements_protocol::signal::Outcome::Accepted { .. }), "{ada:?}");
    let opening =
        served.polls.iter().find(|p| p.id == "poll-opening").and_then(|p| p.session_id.clone()).expect("session");

    let data = tempfile::tempdir().expect("data");
    let link = format!("elements://join?url={url}&code=JOIN-E2E");
    let shots = env().screenshots;
    let (shots2, trail2, opening1) = (shots.clone(), trail.clone(), opening.clone());
    with_app_at(data.path(), &["--join", &link, "--clock", during, "--window-size", "390x844"], |c| async move {
        let (shots, trail, opening) = (shots2, trail2, opening1);
        eventually("the joined event", WAIT, || async {
            (text_of(&c, "[data-testid=event-name]").await? == "Questing Summit").then_some(())
        })
        .await;
        open(&c, "quests").await;
        eventually("Ada leading the trail", WAIT, || async {
            let top = text_of(&c, "[data-testid=quest-quest-harbour-trail] [data-testid=leaderboard] li").await?;
            top.contains("Ada").then_some(())
        })
        .await;
        assert_eq!(scan_photo(&c, &tampered).await, "bad_signature");
        for (i, p) in trail.iter().enumerate() {
            assert_eq!(scan_photo(&c, p).await, "found", "trail code {}", i + 1);
        }
        assert_eq!(attrs(&c, "[data-testid=quest-quest-harbour-trail]", "data-completed").await, ["true"]);
        let codes = eventually("both rewards' desk codes from the backend", WAIT, || async {
            let codes = texts(&c, "[data-testid=quest-quest-harbour-trail] [data-testid=reward-code]").await;
            (codes.len() == 2).then_some(codes)
        })
        .await;
        assert!(codes.iter().all(|c| c.len() == 9 && c.as_bytes()[4] == b'-'), "{codes:?}");
        let board = eventually("the person on top of the leaderboard", WAIT, || async {
            let rows = texts(&c, "[data-testid=quest-quest-harbour-trail] [data-testid=leaderboard] li").await;
            (rows.first()?.ends_with("60") && rows.get(1)?.contains("Ada")).then_some(rows)
        })
        .await;
        assert_eq!(board.len(), 2, "{board:?}");
        c.execute(
            "document.querySelector('[data-testid=quest-quest-harbour-trail] .rewards').scrollIntoView({block: 'center'});",
            vec![],
        )
        .await
        .expect("scroll");
        after_paint(&c).await;
        let (x, y, _, _) = c.get_window_rect().await.expect("rect");
        let phone = shoot(&shots, "quest-reward-phone", (x, y, 390, 844), None).await;
        let mut before = phone;
        for (name, w, h) in [("quest-reward-tablet", 820u32, 1180u32), ("quest-reward-venue-screen", 1920, 1080)] {
            resize(&c, w, h).await;
            c.execute("document.querySelector('[data-testid=quest-quest-harbour-trail]').scrollIntoView({block: 'start'});", vec![])
                .await
                .expect("scroll");
            after_paint(&c).await;
            let (x, y, _, _) = c.get_window_rect().await.expect("rect");
            before = shoot(&shots, name, (x, y, w, h), Some(&before)).await;
        }
        // "I'm here" at the opening keynote, which is running by the app's clock.
        open(&c, "agenda").await;
        tap(&c, &format!("[data-testid=session-card][data-session-id=\"{opening}\"]")).await;
        tap(&c, "[data-testid=check-in]").await;
        eventually("checked in", WAIT, || text_of(&c, "[data-testid=checked-in]")).await;
    })
    .await;

    // Reopened after the keynote ended: the rating prompt (a time trigger) is there, once,
    // and stays after the backend decided it.
    let (shots2, opening2) = (shots.clone(), opening.clone());
    with_app_at(data.path(), &["--clock", after, "--window-size", "820x1180"], |c| async move {
        open(&c, "quests").await;
        let prompt = eventually("the rating prompt", WAIT, || async {
            text_of(&c, "[data-testid=scenario-card] .card-text").await.filter(|t| t.contains("How was it?"))
        })
        .await;
        assert!(prompt.starts_with("The talk you checked in to has ended"), "{prompt}");
        eventually("the prompt confirmed by the backend", WAIT, || async {
            c.find(Locator::Css("[data-testid=quests-waiting]")).await.is_err().then_some(())
        })
        .await;
        assert_eq!(
            c.find_all(Locator::Css("[data-testid=scenario-card]")).await.expect("cards").len(),
            2,
            "the tote's card and the prompt"
        );
        after_paint(&c).await;
        let (x, y, _, _) = c.get_window_rect().await.expect("rect");
        shoot(&shots2, "quests-prompt-tablet", (x, y, 820, 1180), None).await;
        // The prompt leads to the talk, whose page has its rating poll.
        c.execute(
            "[...document.querySelectorAll('[data-testid=scenario-card]')].find(e => e.textContent.includes('How was it?')).querySelector('[data-testid=card-open]').click()",
            vec![],
        )
        .await
        .expect("open the prompt");
        let shown = eventually("the talk that ended", WAIT, || async {
            attrs(&c, "[data-testid=session-detail]", "data-session-id").await.first().cloned()
        })
        .await;
        assert_eq!(shown, opening2);
        eventually("its rating poll", WAIT, || async {
            c.find(Locator::Css("[data-testid=session-polls] [data-testid=poll-poll-opening-rating]")).await.ok()
        })
        .await;
    })
    .await;
    server.stop();
    let fired: i64 = rusqlite::Connection::open(dir.path().join("backend.sqlite3"))
        .expect("db")
        .query_row("SELECT count(*) FROM signal WHERE accepted = 1 AND outcome LIKE '%\"rate-talk\"%'", [], |r| {
            r.get(0)
        })
        .expect("count");
    assert_eq!(fired, 1, "the backend fired the rating prompt once");
}
