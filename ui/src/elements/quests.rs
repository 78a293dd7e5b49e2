//! The quests Element: the cards the event's scenarios left for the person, scanning a
//! checkpoint's code (a photo of it, or the code typed), and each quest with its progress,
//! checkpoints, rewards and leaderboard.

use elements_protocol::app::{
    ApiError, CardArgs, Changed, CheckpointArgs, CheckpointHow, DismissCard, GetQuests, NoArgs, QuestView, QuestsView,
    ScanCheckpoint, ScenarioCard,
};
use elements_protocol::event::ElementKind;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{invoke, load};
use crate::i18n;
use crate::icons::mark_icon;
use crate::nav::Navigate;
use crate::t;
use crate::widgets::{error_sentence, show_loading};

/// Rows of a leaderboard shown on a quest: the top of it, not the whole list.
const LEADERBOARD_ROWS: usize = 5;

/// What the last scan said: found (the quest view after it) or refused (why).
#[derive(Clone)]
enum ScanResult {
    Found { checkpoint: String, points: u32 },
    Refused(ApiError),
}

#[component]
pub fn Quests() -> impl IntoView {
    let quests = load::<GetQuests>(|| NoArgs {}).refresh_on(Changed::Element(ElementKind::Quests));
    let code = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let result = RwSignal::new(None::<ScanResult>);
    // Counts answers, so a test (or a screen reader's live region) can tell a new one from the last.
    let answers = RwSignal::new(0u32);
    let check = move |text: String| {
        busy.set(true);
        result.set(None);
        let before = quests.state.get_untracked().and_then(Result::ok);
        spawn_local(async move {
            match invoke::<ScanCheckpoint>(&CheckpointArgs { code: text }).await {
                Ok(after) => {
                    result.set(Some(found(before.as_ref(), &after)));
                    code.set(String::new());
                    quests.state.set(Some(Ok(after)));
                }
                Err(e) => result.set(Some(ScanResult::Refused(e))),
            }
            answers.update(|n| *n += 1);
            busy.set(false);
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        check(code.get_untracked());
    };
    // A photo of the checkpoint's QR code (on phones the picker offers the camera first).
    let photo = move |ev: leptos::ev::Event| {
        result.set(None);
        crate::api::read_photo(&ev, busy, check, move |e| {
            result.set(Some(ScanResult::Refused(e)));
            answers.update(|n| *n += 1);
        });
    };
    let dismiss = move |id: String| {
        spawn_local(async move {
            if let Ok(v) = invoke::<DismissCard>(&CardArgs { id }).await {
                quests.state.set(Some(Ok(v)));
            }
        });
    };
    move || {
        show_loading(quests.state.get(), move |v| {
            let can_scan = v.can_scan;
            let demo = v.offline_reason == Some(elements_protocol::app::OfflineReason::DemoEvent);
            view! {
                <section class="quests" data-testid="element-quests">
                    {(!v.cards.is_empty()).then(|| view! {
                        <div class="cards" data-testid="scenario-cards" aria-live="polite">
                            {v.cards.iter().cloned().map(|c| card_view(c, dismiss)).collect_view()}
                        </div>
                    })}
                    {can_scan.then(|| view! {
                        <form class="panel scan-panel" data-testid="checkpoint-scan" on:submit=submit>
                            <div class="scan-head">
                                <h2>{t!("quests-scan-title")}</h2>
                                <label class="scan-button" class:disabled=move || busy.get()>
                                    <input type="file" accept="image/*" capture="environment"
                                        data-testid="checkpoint-photo" on:change=photo disabled=move || busy.get() />
                                    <span>{t!("quests-scan-photo")}</span>
                                </label>
                            </div>
                            <div class="scan-row">
                                <input type="text" data-testid="checkpoint-code"
                                    aria-label=move || t!("quests-scan-code")
                                    placeholder=move || t!("quests-scan-code")
                                    autocomplete="off" spellcheck="false"
                                    prop:value=move || code.get()
                                    on:input=move |ev| code.set(event_target_value(&ev)) />
                                <button class="primary" type="submit" data-testid="checkpoint-check"
                                    disabled=move || busy.get() || code.get().trim().is_empty()>
                                    {t!("quests-scan-check")}
                                </button>
                            </div>
                            <p class="muted scan-help">{t!("quests-scan-help")}</p>
                            {move || result.get().map(|r| match r {
                                ScanResult::Found { checkpoint, points } => view! {
                                    <p class="scan-found" role="status" data-testid="scan-result" data-status="found" data-answer=answers.get_untracked()>
                                        {t!("quests-scan-found", checkpoint = checkpoint, points = points)}
                                    </p>
                                }.into_any(),
                                ScanResult::Refused(e) => view! {
                                    <p class="refusal" role="alert" data-testid="scan-result" data-status="refused" data-answer=answers.get_untracked()
                                        data-reason=e.reason.map(|r| r.as_str()).unwrap_or(e.code.as_str())
                                        title=e.message.clone()>
                                        {error_sentence(e.code.as_str(), e.reason)}
                                        <span class="muted">" " {e.message.clone()}</span>
                                    </p>
                                }.into_any(),
                            })}
                        </form>
                    })}
                    {v.offline_reason.map(|r| view! {
                        <p class="voting-note" data-testid="quests-note">{offline_text(r)}</p>
                    })}
                    // The demo has nowhere to send to: "waiting" would promise a send that never comes.
                    {(v.waiting > 0 && v.offline_reason != Some(elements_protocol::app::OfflineReason::DemoEvent)).then(|| view! {
                        <p class="muted" data-testid="quests-waiting">{t!("quests-waiting", n = v.waiting)}</p>
                    })}
                    {if v.quests.is_empty() {
                        view! { <p class="empty">{t!("quests-none")}</p> }.into_any()
                    } else {
                        view! {
                            <div class="quest-list">
                                {v.quests.into_iter().map(|q| quest_view(q, demo)).collect_view()}
                            </div>
                        }.into_any()
                    }}
                </section>
            }
            .into_any()
        })
    }
}

/// Which checkpoint the scan found, by comparing the quests before and after it.
fn found(before: Option<&QuestsView>, after: &QuestsView) -> ScanResult {
    for quest in &after.quests {
        for cp in quest.checkpoints.iter().filter(|c| c.done) {
            let was_done = before
                .and_then(|b| b.quests.iter().find(|q| q.id == quest.id))
                .and_then(|q| q.checkpoints.iter().find(|c| c.id == cp.id))
                .is_some_and(|c| c.done);
            if !was_done {
                return ScanResult::Found { checkpoint: cp.name.clone(), points: cp.points };
            }
        }
    }
    ScanResult::Found { checkpoint: String::new(), points: 0 }
}

fn offline_text(reason: elements_protocol::app::OfflineReason) -> String {
    use elements_protocol::app::OfflineReason;
    match reason {
        OfflineReason::VenueScreen => t!("quests-offline-venue-screen"),
        OfflineReason::DemoEvent => t!("quests-offline-demo"),
        OfflineReason::NoCode => t!("quests-offline-no-code"),
    }
}

fn card_view(card: ScenarioCard, dismiss: impl Fn(String) + Copy + 'static) -> impl IntoView {
    let id = card.id.clone();
    let link = card.link.clone();
    let nav = use_context::<Navigate>();
    view! {
        <article class="scenario-card" data-testid="scenario-card" data-card-id=card.id.clone()>
            <p class="card-text">{move || i18n::local_text(&card.text)}</p>
            <div class="card-actions">
                <span class="muted card-when">{i18n::time_of(&card.at)}</span>
                {link.map(|l| view! {
                    <button class="link" data-testid="card-open" on:click=move |_| {
                        if let Some(nav) = nav {
                            nav.follow(&l);
                        }
                    }>{t!("card-open")}</button>
                })}
                <button class="link" data-testid="card-dismiss" on:click=move |_| dismiss(id.clone())>
                    {t!("card-dismiss")}
                </button>
            </div>
        </article>
    }
}

/// `demo`: the bundled demo, which has no backend to make desk codes.
fn quest_view(q: QuestView, demo: bool) -> impl IntoView {
    // Progress towards finding every checkpoint; rewards beyond that (a voucher at 1000) have
    // their own line, or the bar would barely move.
    let target = if q.checkpoint_points > 0 {
        q.checkpoint_points
    } else {
        q.rewards.iter().map(|r| r.points_required).max().unwrap_or(1).max(1)
    };
    let percent = (q.points.min(target) * 100 / target).min(100);
    let done_count = q.checkpoints.iter().filter(|c| c.done).count();
    let total = q.checkpoints.len();
    view! {
        <article class="quest" data-testid=format!("quest-{}", q.id) data-completed=q.completed.to_string()>
            <div class="quest-top">
                <h2 class="quest-title">{q.title.clone()}</h2>
                <span class="quest-points" data-testid="quest-points">{t!("quests-points", n = q.points)}</span>
            </div>
            {q.revealed.then(|| view! { <p class="quest-badge">{t!("quests-revealed")}</p> })}
            {(!q.description.is_empty()).then(|| view! { <p class="quest-description">{q.description.clone()}</p> })}
            <div class="quest-progress" role="progressbar" aria-valuemin="0" aria-valuemax=target.to_string()
                aria-valuenow=q.points.min(target).to_string() aria-label=t!("quests-progress")>
                <span style=format!("width: {percent}%")></span>
            </div>
            <p class="muted quest-meta">
                {t!("quests-found", done = done_count, total = total)}
                {q.ordered.then(|| format!(" · {}", t!("quests-ordered")))}
                {q.closes.clone().map(|c| format!(" · {}", t!("quests-until", when = i18n::short_date_time(&c))))}
            </p>
            <ol class="checkpoints">
                {q.checkpoints.into_iter().map(|c| {
                    let state = if c.done { "done" } else if c.available { "open" } else { "locked" };
                    view! {
                        <li class="checkpoint" data-testid=format!("checkpoint-{}", c.id) data-state=state>
                            <span class="checkpoint-mark" aria-hidden="true">{match state {
                                "done" => Some(mark_icon("check")),
                                "locked" => Some(mark_icon("lock")),
                                _ => None,
                            }}</span>
                            <div class="checkpoint-body">
                                <p class="checkpoint-name">
                                    {c.name.clone()}
                                    <span class="sr-only">{match state {
                                        "done" => t!("checkpoint-done"),
                                        "locked" => t!("checkpoint-locked"),
                                        _ => t!("checkpoint-open"),
                                    }}</span>
                                </p>
                                {(!c.hint.is_empty() && !c.done).then(|| view! { <p class="checkpoint-hint">{c.hint.clone()}</p> })}
                                <p class="muted checkpoint-how">
                                    {match &c.how {
                                        CheckpointHow::Scan => t!("checkpoint-by-scan"),
                                        CheckpointHow::Scenario { name } => name.clone(),
                                    }}
                                    // The place, unless the checkpoint is named after it already.
                                    {c.place.as_ref().filter(|p| !c.name.contains(&p.name) && !p.name.contains(&c.name))
                                        .map(|p| format!(" · {}", p.name))}
                                </p>
                            </div>
                            <span class="checkpoint-points">{format!("+{}", c.points)}</span>
                        </li>
                    }
                }).collect_view()}
            </ol>
            {(!q.rewards.is_empty()).then(|| view! {
                <h3 class="quest-subtitle">{t!("quests-rewards")}</h3>
                <ul class="rewards">
                    {q.rewards.into_iter().map(|r| view! {
                        <li class="reward" data-testid=format!("reward-{}", r.id) data-unlocked=r.unlocked.to_string()>
                            <span class="reward-mark" aria-hidden="true">{mark_icon(if r.unlocked { "gift" } else { "lock" })}</span>
                            <div>
                                <p class="reward-name">{r.name.clone()}</p>
                                <p class="muted">{if r.unlocked {
                                    match &r.code {
                                        Some(_) => t!("reward-show-code"),
                                        None if demo => t!("reward-demo"),
                                        None => t!("reward-code-pending"),
                                    }
                                } else {
                                    t!("reward-at", n = r.points_required)
                                }}</p>
                            </div>
                            {r.code.clone().filter(|_| r.unlocked).map(|code| view! {
                                <code class="reward-code" data-testid="reward-code">{code}</code>
                            })}
                        </li>
                    }).collect_view()}
                </ul>
            })}
            {(!q.leaderboard.is_empty()).then(|| view! {
                <h3 class="quest-subtitle">{t!("quests-leaderboard")}</h3>
                <ol class="leaderboard" data-testid="leaderboard">
                    {q.leaderboard.into_iter().take(LEADERBOARD_ROWS).map(|row| view! {
                        <li>
                            <span class="rank">{row.rank}</span>
                            <span class="who">{row.display_name.unwrap_or_else(|| t!("leaderboard-anonymous"))}</span>
                            <span class="score">{row.points}</span>
                        </li>
                    }).collect_view()}
                </ol>
            })}
        </article>
    }
}
