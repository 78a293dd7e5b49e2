//! Voting in the real app, counted by the reference backend: a vote, and polls of every kind.

use elements_e2e::*;
use fantoccini::Locator;

/// Voting end to end: the person taps an option in the real webview, the vote goes through the
/// outbox to the reference backend on 127.0.0.1, and the screen shows it counted with the tally.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vote_tapped_in_the_app_is_counted_by_the_backend() {
    use elements_backend::store::Store;
    let mut served = demo();
    served.manifest.id = "voting-summit".into();
    served.manifest.name = "Voting Summit".into();
    let during = "2027-03-10T09:30:00+01:00";
    let (url, store, server, _dir) = serve(&served, Some(during)).await;
    let link = format!("elements://join?url={url}&code=JOIN-E2E");
    let shots = env().screenshots;
    with_app(&["--join", &link, "--clock", during, "--window-size", "390x844"], |c| async move {
        eventually("the joined event", WAIT, || async {
            (text_of(&c, "[data-testid=event-name]").await? == "Voting Summit").then_some(())
        })
        .await;
        c.find(Locator::Css("[data-testid=nav-voting]")).await.expect("voting tab").click().await.expect("tap");
        let option = "[data-testid=vote-poll-opening-o2]";
        let button =
            eventually("the open poll's options", WAIT, || async { c.find(Locator::Css(option)).await.ok() }).await;
        button.click().await.expect("vote");
        // Counted by the backend, and the tally from its feed on screen.
        eventually("the vote counted", WAIT, || async {
            let card = c.find(Locator::Css("[data-testid=poll-poll-opening]")).await.ok()?;
            let mine = card.find(Locator::Css("[data-testid=my-vote]")).await.ok()?;
            let status = mine.attr("data-status").await.ok()??;
            let total = card.find(Locator::Css(".poll-total")).await.ok()?.text().await.ok()?;
            (status == "accepted" && total == "1 vote counted").then_some(())
        })
        .await;
        let figure = text_of(&c, "[data-testid=vote-poll-opening-o2] .poll-figure").await.expect("figure");
        assert_eq!(figure, "100%");
        // The closed and upcoming polls take no votes.
        let upcoming = c.find(Locator::Css("[data-testid=vote-poll-best-talk-cloud]")).await.expect("upcoming poll");
        assert_eq!(upcoming.prop("disabled").await.expect("prop").as_deref(), Some("true"));
        after_paint(&c).await;
        let (x, y, w, h) = c.get_window_rect().await.expect("rect");
        let voting = shoot(&shots, "voting-phone", (x, y, w as u32, h as u32), None).await;
        // The same screen on a tablet and a venue screen (resized in place).
        let mut before = voting.clone();
        for (name, tw, th) in [("voting-tablet", 820u32, 1180u32), ("voting-venue-screen", 1920, 1080)] {
            resize(&c, tw, th).await;
            after_paint(&c).await;
            let (x, y, _, _) = c.get_window_rect().await.expect("rect");
            before = shoot(&shots, name, (x, y, tw, th), Some(&before)).await;
        }
        c.set_window_size(w as u32, h as u32).await.expect("resize back");
        c.find(Locator::Css("[data-testid=nav-me]")).await.expect("me tab").click().await.expect("tap");
        let source = eventually("where the event comes from", WAIT, || text_of(&c, "[data-testid=event-source]")).await;
        assert!(source.contains(&url), "{source}");
        after_paint(&c).await;
        shoot(&shots, "me-phone", (x, y, w as u32, h as u32), Some(&voting)).await;
    })
    .await;
    server.stop();
    let counted: Vec<_> = store.changes(elements_protocol::event::ElementKind::Voting, 0, 100).expect("feed").changes;
    assert!(counted.iter().any(|ch| matches!(ch,
        elements_protocol::sync::Change::Upsert { entity: elements_protocol::sync::Entity::PollResult(r) } if r.total == 1)));
}

/// Waits until the person's answer in poll `poll` is counted by the backend.
async fn counted(c: &fantoccini::Client, poll: &str) {
    eventually(&format!("the answer in {poll} counted"), WAIT, || async {
        let status = attrs(c, &format!("[data-testid=poll-{poll}] [data-testid=my-vote]"), "data-status").await;
        (status.first()? == "accepted").then_some(())
    })
    .await;
}

/// Polls of every kind in the real app against the reference backend: a changed vote (the last
/// counts), several choices, a star rating, a word, a ranking whose results stay hidden, a quiz
/// that says it was wrong, and an anonymous question that shows in the list; a session's page
/// shows its polls. Screenshots at tablet and phone size, and in Russian.
#[tokio::test]
async fn polls_of_every_kind_are_answered_in_the_app_and_counted_by_the_backend() {
    use elements_backend::store::Store;
    let mut served = demo();
    served.manifest.id = "polling-summit".into();
    served.manifest.name = "Polling Summit".into();
    let during = "2027-03-10T09:30:00+01:00";
    let (url, store, server, _dir) = serve(&served, Some(during)).await;
    let link = format!("elements://join?url={url}&code=JOIN-E2E");
    let shots = env().screenshots;
    let opening =
        served.polls.iter().find(|p| p.id == "poll-opening").and_then(|p| p.session_id.clone()).expect("session");
    // Ada asked a question before this person opened the app.
    let ask = elements_protocol::signal::Action::Ask {
        poll_id: "poll-opening-qa".into(),
        question_id: "ada-question-1".into(),
        text: "Is there a recording?".into(),
        anonymous: false,
    };
    someone_else(&store, "Ada", vec![ask], during).await;
    with_app(&["--join", &link, "--clock", during, "--window-size", "820x1180"], |c| async move {
        eventually("the joined event", WAIT, || async {
            (text_of(&c, "[data-testid=event-name]").await? == "Polling Summit").then_some(())
        })
        .await;
        open(&c, "voting").await;
        // A vote, then another: the last one counts, once.
        tap(&c, "[data-testid=vote-poll-opening-o2]").await;
        counted(&c, "poll-opening").await;
        tap(&c, "[data-testid=vote-poll-opening-o3]").await;
        eventually("the changed vote counted once", WAIT, || async {
            let figure = text_of(&c, "[data-testid=vote-poll-opening-o3] .poll-figure").await?;
            let total = text_of(&c, "[data-testid=poll-poll-opening] .poll-total").await?;
            (figure == "100%" && total == "1 vote counted").then_some(())
        })
        .await;
        // Several choices.
        tap(&c, "[data-testid=choose-poll-topics-ai]").await;
        tap(&c, "[data-testid=choose-poll-topics-open-source]").await;
        tap(&c, "[data-testid=send-poll-topics]").await;
        counted(&c, "poll-topics").await;
        // Four stars.
        tap(&c, "[data-testid=rate-poll-opening-rating-4]").await;
        counted(&c, "poll-opening-rating").await;
        eventually("the average", WAIT, || async {
            (text_of(&c, "[data-testid=poll-poll-opening-rating] [data-testid=rating-average]").await?
                == "Average 4.0 of 5")
                .then_some(())
        })
        .await;
        // A word for the cloud.
        let field = c.find(Locator::Css("[data-testid=text-poll-one-word]")).await.expect("text field");
        field.send_keys("Harbour").await.expect("type");
        tap(&c, "[data-testid=poll-poll-one-word] button[type=submit]").await;
        eventually("the word in the cloud", WAIT, || async {
            (text_of(&c, "[data-testid=poll-poll-one-word] [data-testid=word-cloud]").await? == "harbour").then_some(())
        })
        .await;
        // A ranking, reordered: its results stay hidden, how many answered does not.
        tap(&c, "[data-testid=ranking-poll-rank-tracks] .rank-item:first-child .rank-move:last-of-type").await;
        tap(&c, "[data-testid=send-poll-rank-tracks]").await;
        counted(&c, "poll-rank-tracks").await;
        assert!(c.find(Locator::Css("[data-testid=poll-poll-rank-tracks] [data-testid=results-hidden]")).await.is_ok());
        // A quiz, answered wrong: said at once, with the right answer.
        tap(&c, "[data-testid=vote-poll-quiz-booths-three]").await;
        let quiz = eventually("the quiz's verdict", WAIT, || text_of(&c, "[data-testid=quiz-result]")).await;
        assert!(quiz.contains("Five"), "{quiz}");
        // An anonymous question.
        let ask = c.find(Locator::Css("[data-testid=ask-poll-opening-qa] [data-testid=ask-text]")).await.expect("ask");
        ask.send_keys("Will the slides be shared?").await.expect("type");
        tap(&c, "[data-testid=ask-poll-opening-qa] [data-testid=ask-anonymous]").await;
        tap(&c, "[data-testid=ask-poll-opening-qa] [data-testid=ask-send]").await;
        eventually("the question confirmed", WAIT, || async {
            let texts = texts(&c, "[data-testid=poll-poll-opening-qa] [data-testid=question]").await;
            texts.iter().any(|q| q.contains("Will the slides be shared?") && !q.contains("waiting")).then_some(())
        })
        .await;
        // Ada's question, upvoted: it rises to the top with the backend's count.
        tap(&c, "[data-question-id=ada-question-1] [data-testid=upvote]").await;
        eventually("Ada's question on top with one upvote", WAIT, || async {
            let first = c.find(Locator::Css("[data-testid=poll-poll-opening-qa] [data-testid=question]")).await.ok()?;
            let id = first.attr("data-question-id").await.ok()??;
            let votes = first.find(Locator::Css(".upvotes")).await.ok()?.text().await.ok()?;
            let meta = first.find(Locator::Css(".question-meta")).await.ok()?.text().await.ok()?;
            (id == "ada-question-1" && votes == "1" && meta.starts_with("Ada") && !meta.contains("waiting"))
                .then_some(())
        })
        .await;
        c.execute("document.querySelector('.content').scrollTo(0, 0); window.scrollTo(0, 0);", vec![])
            .await
            .expect("top");
        after_paint(&c).await;
        let (x, y, _, _) = c.get_window_rect().await.expect("rect");
        let first = shoot(&shots, "polls-tablet", (x, y, 820, 1180), None).await;
        c.execute(
            "document.querySelector('[data-testid=poll-poll-one-word]').scrollIntoView({block: 'start'});",
            vec![],
        )
        .await
        .expect("scroll");
        after_paint(&c).await;
        let more = shoot(&shots, "polls-tablet-more", (x, y, 820, 1180), Some(&first)).await;
        // The word cloud and the Q&A on a venue-size screen.
        resize(&c, 1920, 1080).await;
        c.execute(
            "document.querySelector('[data-testid=poll-poll-opening-qa]').scrollIntoView({block: 'start'});",
            vec![],
        )
        .await
        .expect("scroll");
        after_paint(&c).await;
        let (vx, vy, _, _) = c.get_window_rect().await.expect("rect");
        shoot(&shots, "polls-venue-screen", (vx, vy, 1920, 1080), Some(&more)).await;
        resize(&c, 820, 1180).await;

        // The opening keynote's page shows its polls.
        open(&c, "agenda").await;
        tap(&c, &format!("[data-testid=session-card][data-session-id=\"{opening}\"]")).await;
        let polls = eventually("the session's polls", WAIT, || async {
            let ids = attrs(&c, "[data-testid=session-polls] .poll", "data-testid").await;
            (!ids.is_empty()).then_some(ids)
        })
        .await;
        assert_eq!(polls, ["poll-poll-opening", "poll-poll-opening-rating", "poll-poll-opening-qa"]);
        c.execute("document.querySelector('[data-testid=session-polls]').scrollIntoView({block: 'start'});", vec![])
            .await
            .expect("scroll");
        after_paint(&c).await;
        shoot(&shots, "detail-polls-tablet", (x, y, 820, 1180), None).await;

        // "I'm here" on the running keynote: a check-in, which the Summit Regular quest counts
        // (a scenario completes its checkpoint), as it counts the vote; the wrong quiz answer not.
        tap(&c, "[data-testid=check-in]").await;
        eventually("checked in", WAIT, || text_of(&c, "[data-testid=checked-in]")).await;
        open(&c, "quests").await;
        let state = |cp: &'static str| {
            let c = c.clone();
            async move { attrs(&c, &format!("[data-testid=checkpoint-{cp}]"), "data-state").await.first().cloned() }
        };
        eventually("the keynote's checkpoint done", WAIT, || async {
            (state("cp-attend-opening").await? == "done").then_some(())
        })
        .await;
        assert_eq!(state("cp-first-vote").await.as_deref(), Some("done"));
        assert_eq!(state("cp-quiz").await.as_deref(), Some("open"), "the quiz was answered wrong");
        eventually("the points confirmed by the backend", WAIT, || async {
            c.find(Locator::Css("[data-testid=quests-waiting]")).await.is_err().then_some(())
        })
        .await;
        c.execute(
            "document.querySelector('[data-testid=quest-quest-regular]').scrollIntoView({block: 'start'});",
            vec![],
        )
        .await
        .expect("scroll");
        after_paint(&c).await;
        shoot(&shots, "quests-joined-tablet", (x, y, 820, 1180), None).await;

        // Phone size, in Russian (the session closed first: on a phone it covers the screen).
        press(&c, "\u{E00C}").await;
        resize(&c, 390, 844).await;
        open(&c, "me").await;
        choose(&c, "[data-testid=language]", "ru").await;
        eventually("Russian", WAIT, || async { (language_and_theme(&c).await.0 == "ru").then_some(()) }).await;
        open(&c, "voting").await;
        eventually("the polls in Russian", WAIT, || async {
            (text_of(&c, "[data-testid=poll-poll-topics] .poll-kind").await? == "Несколько вариантов").then_some(())
        })
        .await;
        c.execute(
            "document.querySelector('[data-testid=poll-poll-opening-rating]').scrollIntoView({block: 'start'});",
            vec![],
        )
        .await
        .expect("scroll");
        after_paint(&c).await;
        let (x, y, _, _) = c.get_window_rect().await.expect("rect");
        shoot(&shots, "polls-phone-ru", (x, y, 390, 844), None).await;
    })
    .await;
    server.stop();
    let answers = store.changes(elements_protocol::event::ElementKind::Voting, 0, 500).expect("feed").changes;
    let result = |id: &str| {
        answers.iter().find_map(|ch| match ch {
            elements_protocol::sync::Change::Upsert { entity: elements_protocol::sync::Entity::PollResult(r) }
                if r.id == id =>
            {
                Some(r.clone())
            }
            _ => None,
        })
    };
    let opening = result("poll-opening").expect("opening result");
    assert_eq!(opening.counts.iter().map(|c| c.votes).collect::<Vec<_>>(), [0, 0, 1, 0], "the last vote, once");
    let ranking = result("poll-rank-tracks").expect("ranking result");
    assert!(ranking.hidden && ranking.counts.is_empty() && ranking.total == 1);
}
