//! The scenario decisions' tests: each rule of `decide`, and every kind of action reaching its
//! family's decision.

mod decide {
    use super::super::*;
    use elements_protocol::event::{Checkpoint, PollOption, Reward};

    struct Facts;
    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).map(|t| t.with_timezone(&Utc)).expect("test time")
    }
    impl EventFacts for Facts {
        fn poll(&self, id: &str) -> Option<Poll> {
            (id == "p1" || id == "p-ticket").then(|| Poll {
                id: id.into(),
                question: "Tabs or spaces?".into(),
                session_id: None,
                options: vec![PollOption { id: "tabs".into(), label: "Tabs".into() }],
                opens_at: "2027-03-10T10:00:00+01:00".parse().expect("time"),
                closes_at: "2027-03-10T11:00:00+01:00".parse().expect("time"),
                requires_ticket: id == "p-ticket",
                kind: elements_protocol::event::PollKind::SingleChoice,
                max_choices: None,
                scale: None,
                correct_option_id: None,
                hide_results: false,
                timer_seconds: None,
                draft: false,
                reset_at: None,
            })
        }
        fn quest(&self, id: &str) -> Option<Quest> {
            (id == "q1").then(|| Quest {
                id: "q1".into(),
                title: "Hunt".into(),
                description: String::new(),
                checkpoints: ["a", "b"]
                    .map(|c| Checkpoint { id: c.into(), name: c.into(), poi_id: None, points: 30, hint: String::new() })
                    .to_vec(),
                rewards: vec![Reward { id: "mug".into(), name: "Mug".into(), points_required: 50 }],
                hidden: false,
                ordered: false,
                opens_at: None,
                closes_at: None,
            })
        }
        fn exists(&self, kind: EntityKind, id: &str) -> bool {
            kind == EntityKind::Session && id == "s1"
        }
        fn rules(&self) -> std::borrow::Cow<'_, crate::rules::Rules> {
            std::borrow::Cow::Owned(
                crate::rules::default_scenarios(&self.quest("q1").into_iter().collect::<Vec<_>>()).into(),
            )
        }
    }

    fn vote(option: &str) -> Action {
        Action::Vote { poll_id: "p1".into(), option_id: option.into() }
    }

    #[test]
    fn a_vote_counts_once_and_only_while_the_poll_is_open() {
        let mut s = ParticipantState::default();
        let reason = |o: Outcome| match o {
            Outcome::Rejected { reason, .. } => Some(reason),
            _ => None,
        };
        assert_eq!(reason(decide(&Facts, &mut s, &vote("tabs"), t("2027-03-10T08:59:59Z"))), Some(Reason::PollNotOpen));
        assert_eq!(reason(decide(&Facts, &mut s, &vote("tabs"), t("2027-03-10T10:00:00Z"))), Some(Reason::PollClosed));
        assert_eq!(
            reason(decide(&Facts, &mut s, &vote("vim"), t("2027-03-10T09:30:00Z"))),
            Some(Reason::UnknownTarget)
        );
        assert_eq!(s, ParticipantState::default(), "rejections leave the state alone");
        assert!(matches!(decide(&Facts, &mut s, &vote("tabs"), t("2027-03-10T09:30:00Z")), Outcome::Accepted { .. }));
        assert_eq!(
            reason(decide(&Facts, &mut s, &vote("tabs"), t("2027-03-10T09:31:00Z"))),
            Some(Reason::AlreadyVoted)
        );
    }

    #[test]
    fn a_poll_that_requires_a_ticket_refuses_shared_codes_and_leaves_unknown_to_the_backend() {
        let now = t("2027-03-10T09:30:00Z");
        let vote = Action::Vote { poll_id: "p-ticket".into(), option_id: "tabs".into() };
        for (ticketed, accepted) in [(Some(true), true), (None, true), (Some(false), false)] {
            let mut s = ParticipantState { ticketed, ..ParticipantState::default() };
            let outcome = decide(&Facts, &mut s, &vote, now);
            assert_eq!(matches!(outcome, Outcome::Accepted { .. }), accepted, "{ticketed:?}: {outcome:?}");
            if !accepted {
                assert!(matches!(outcome, Outcome::Rejected { reason: Reason::TicketRequired, .. }));
            }
        }
        let mut shared = ParticipantState { ticketed: Some(false), ..ParticipantState::default() };
        assert!(matches!(decide(&Facts, &mut shared, &vote_in("p1"), now), Outcome::Accepted { .. }), "other polls");
    }

    fn vote_in(poll: &str) -> Action {
        Action::Vote { poll_id: poll.into(), option_id: "tabs".into() }
    }

    #[test]
    fn checkpoints_add_points_and_unlock_a_reward_when_crossing_its_threshold() {
        let mut s = ParticipantState::default();
        let now = t("2027-03-10T09:30:00Z");
        let scan = |c: &str| Action::CheckpointScan { quest_id: "q1".into(), checkpoint_id: c.into(), proof: None };
        let Outcome::Accepted { effects: first } = decide(&Facts, &mut s, &scan("a"), now) else { panic!("accepted") };
        assert_eq!(
            first,
            vec![
                Effect::ScenarioFired { scenario_id: "default:points:q1:a".into(), instance: String::new() },
                Effect::Points { quest_id: "q1".into(), gained: 30, total: 30 }
            ]
        );
        let second = decide(&Facts, &mut s, &scan("b"), now);
        let Outcome::Accepted { effects } = second else { panic!("second scan accepted") };
        assert!(effects.contains(&Effect::RewardUnlocked {
            quest_id: "q1".into(),
            reward_id: "mug".into(),
            name: "Mug".into(),
            code: None
        }));
        assert!(matches!(
            decide(&Facts, &mut s, &scan("a"), now),
            Outcome::Rejected { reason: Reason::AlreadyDone, .. }
        ));
        assert_eq!(s.rules.points.get("q1"), Some(&60));
        let history = [scan("a"), scan("b")];
        let rerun =
            ParticipantState::restore(&Facts, history.iter().map(|a| Decided { action: a, at: now, effects: None }));
        assert_eq!(rerun, s, "deciding the accepted actions again rebuilds the same state");
        let check_in = Action::CheckIn { session_id: "s2".into() };
        assert!(matches!(
            decide(&Facts, &mut s, &check_in, now),
            Outcome::Rejected { reason: Reason::UnknownTarget, .. }
        ));
    }

    struct Ordered;
    impl EventFacts for Ordered {
        fn poll(&self, _: &str) -> Option<Poll> {
            None
        }
        fn quest(&self, id: &str) -> Option<Quest> {
            Facts.quest(id).map(|q| Quest {
                ordered: true,
                opens_at: Some("2027-03-10T09:00:00+01:00".parse().expect("time")),
                closes_at: Some("2027-03-10T18:00:00+01:00".parse().expect("time")),
                ..q
            })
        }
        fn exists(&self, _: EntityKind, _: &str) -> bool {
            false
        }
        fn rules(&self) -> std::borrow::Cow<'_, crate::rules::Rules> {
            Facts.rules()
        }
    }

    #[test]
    fn an_ordered_quest_takes_its_steps_in_order_and_only_within_its_window() {
        let scan = |c: &str| Action::CheckpointScan { quest_id: "q1".into(), checkpoint_id: c.into(), proof: None };
        let reason = |o: Outcome| match o {
            Outcome::Rejected { reason, message } => Some((reason, message)),
            _ => None,
        };
        let mut s = ParticipantState::default();
        let early = reason(decide(&Ordered, &mut s, &scan("a"), t("2027-03-10T07:59:00Z")));
        assert_eq!(early.map(|r| r.0), Some(Reason::QuestNotOpen));
        let late = reason(decide(&Ordered, &mut s, &scan("a"), t("2027-03-10T17:00:00Z")));
        assert_eq!(late.map(|r| r.0), Some(Reason::QuestClosed));
        let now = t("2027-03-10T09:30:00Z");
        let (why, message) = reason(decide(&Ordered, &mut s, &scan("b"), now)).expect("b before a is refused");
        assert_eq!(why, Reason::OutOfOrder);
        assert!(message.contains("find \"a\" first"), "{message}");
        assert_eq!(s, ParticipantState::default(), "refusals change nothing");
        assert!(matches!(decide(&Ordered, &mut s, &scan("a"), now), Outcome::Accepted { .. }));
        assert!(matches!(decide(&Ordered, &mut s, &scan("b"), now), Outcome::Accepted { .. }), "then b");
    }

    #[test]
    fn a_timed_quiz_round_takes_answers_only_until_its_timer_runs_out() {
        struct Timed;
        impl EventFacts for Timed {
            fn poll(&self, id: &str) -> Option<Poll> {
                Facts.poll("p1").map(|p| Poll {
                    id: id.into(),
                    kind: PollKind::Quiz,
                    correct_option_id: Some("tabs".into()),
                    timer_seconds: Some(20),
                    ..p
                })
            }
            fn quest(&self, _: &str) -> Option<Quest> {
                None
            }
            fn exists(&self, _: EntityKind, _: &str) -> bool {
                false
            }
            fn rules(&self) -> std::borrow::Cow<'_, crate::rules::Rules> {
                std::borrow::Cow::Owned(Vec::new().into())
            }
        }
        let answer = Action::Vote { poll_id: "quiz".into(), option_id: "tabs".into() };
        let late = decide(&Timed, &mut ParticipantState::default(), &answer, t("2027-03-10T09:00:21Z"));
        assert!(
            matches!(&late, Outcome::Rejected { reason: Reason::PollClosed, message } if message.contains("time was up")),
            "{late:?}"
        );
        let in_time = decide(&Timed, &mut ParticipantState::default(), &answer, t("2027-03-10T09:00:19Z"));
        let Outcome::Accepted { effects } = in_time else { panic!("in time: {in_time:?}") };
        assert!(effects.contains(&Effect::QuizAnswered { poll_id: "quiz".into(), correct: true }));
    }

    struct Signed(String);
    impl EventFacts for Signed {
        fn poll(&self, id: &str) -> Option<Poll> {
            Facts.poll(id)
        }
        fn quest(&self, id: &str) -> Option<Quest> {
            Facts.quest(id)
        }
        fn exists(&self, kind: EntityKind, id: &str) -> bool {
            Facts.exists(kind, id)
        }
        fn qr_key(&self) -> Option<(String, String)> {
            Some(("ev".into(), self.0.clone()))
        }
        fn rules(&self) -> std::borrow::Cow<'_, crate::rules::Rules> {
            std::borrow::Cow::Owned(Facts.rules().into_owned())
        }
    }

    #[test]
    fn with_a_qr_key_only_a_correctly_signed_checkpoint_code_counts() {
        let secret = [7u8; 32];
        let facts = Signed(crate::qr::public_key_hex(&secret));
        let now = t("2027-03-10T09:30:00Z");
        let scan = |cp: &str, proof: Option<String>| Action::CheckpointScan {
            quest_id: "q1".into(),
            checkpoint_id: cp.into(),
            proof,
        };
        let mut s = ParticipantState::default();
        let good = crate::qr::sign(&secret, &checkpoint_message("ev", "q1", "a"));
        let for_b = crate::qr::sign(&secret, &checkpoint_message("ev", "q1", "b"));
        let other_event = crate::qr::sign(&secret, &checkpoint_message("other", "q1", "a"));
        let wrong_key = crate::qr::sign(&[8u8; 32], &checkpoint_message("ev", "q1", "a"));
        for bad in [None, Some("zz".to_string()), Some(for_b), Some(other_event), Some(wrong_key)] {
            let outcome = decide(&facts, &mut s, &scan("a", bad.clone()), now);
            assert!(matches!(outcome, Outcome::Rejected { reason: Reason::BadSignature, .. }), "{bad:?}: {outcome:?}");
        }
        assert!(matches!(decide(&facts, &mut s, &scan("a", Some(good)), now), Outcome::Accepted { .. }));
    }
}

mod families {
    use super::super::*;
    use elements_protocol::people::{MeetingAnswer, MyProfile};
    use elements_protocol::signal::ActionKind;
    use elements_protocol::staff::{Gate, Pass, PollCommand, QuestionCommand};

    /// One action of every kind in the protocol's table, each decided by its family's rules and
    /// none "not decided here": a new row in the table without its decision fails this test
    /// (and so does a new row without a sample here).
    #[test]
    fn every_kind_of_action_reaches_its_familys_decision() {
        let at = DateTime::parse_from_rfc3339("2027-03-10T10:00:00+01:00").expect("time");
        let samples = vec![
            Action::Vote { poll_id: "p".into(), option_id: "o".into() },
            Action::CheckpointScan { quest_id: "q".into(), checkpoint_id: "c".into(), proof: None },
            Action::CheckIn { session_id: "s".into() },
            Action::BoothVisit { poi_id: "b".into() },
            Action::AskRoute { to: "b".into(), from: None },
            Action::ContactExchange { profile_id: "x".into() },
            Action::Answer { poll_id: "p".into(), answer: Answer::Rating { value: 3 } },
            Action::Ask { poll_id: "p".into(), question_id: "q1".into(), text: "Why?".into(), anonymous: false },
            Action::Upvote { poll_id: "p".into(), question_id: "q1".into() },
            Action::TimePassed { until: at },
            Action::PublishProfile { profile: MyProfile::default() },
            Action::ScanBadge { badge: "B".into() },
            Action::RequestMeeting {
                meeting_id: "m".into(),
                with: "x".into(),
                starts_at: at,
                minutes: 15,
                place_id: "pl".into(),
                note: String::new(),
            },
            Action::AnswerMeeting { meeting_id: "m".into(), answer: MeetingAnswer::Accept },
            Action::SendMessage { message_id: "mm".into(), to: "x".into(), text: "hi".into() },
            Action::ForgetMe {},
            Action::Admit { pass: Pass::Ticket("T-1".into()), gate: Gate::Door("main".into()) },
            Action::RedeemReward { code: "K7Q2".into() },
            Action::ControlPoll { poll_id: "p".into(), command: PollCommand::Open },
            Action::PutPoll {
                poll: elements_protocol::event::Poll {
                    id: "p".into(),
                    question: "Why?".into(),
                    session_id: None,
                    options: Vec::new(),
                    opens_at: at,
                    closes_at: at,
                    requires_ticket: false,
                    kind: elements_protocol::event::PollKind::OpenText,
                    max_choices: None,
                    scale: None,
                    correct_option_id: None,
                    hide_results: false,
                    timer_seconds: None,
                    draft: true,
                    reset_at: None,
                },
            },
            Action::ModerateQuestion { question_id: "q1".into(), command: QuestionCommand::Approve },
            Action::Announce {
                announcement_id: "a".into(),
                text: "Doors open".into(),
                audience: elements_protocol::live::Audience::Everyone,
            },
            Action::CaptureLead { badge: "B".into(), rating: 3, note: String::new() },
        ];
        let kinds: BTreeSet<ActionKind> = samples.iter().map(Action::kind).collect();
        assert_eq!(kinds, ActionKind::ALL.iter().copied().collect(), "a sample of every kind");
        for action in &samples {
            // An event that has nothing: every signal is about something unknown.
            let empty = crate::facts::EventIndex::default().finish();
            let outcome = decide(&empty, &mut ParticipantState::default(), action, at.to_utc());
            assert_ne!(outcome, misfiled(action), "{:?} reached no decision of its family", action.kind());
        }
    }

    /// Asking the way counts every time (the figures count people, not asks) and only between
    /// places the event has.
    #[test]
    fn a_route_asked_for_counts_each_time_between_known_places_only() {
        let at = DateTime::parse_from_rfc3339("2027-03-10T10:00:00+01:00").expect("time").to_utc();
        let mut index = crate::facts::EventIndex::default();
        index.add_id(EntityKind::PointOfInterest, "hall".into());
        index.add_id(EntityKind::PointOfInterest, "cafe".into());
        let facts = index.finish();
        let mut s = ParticipantState::default();
        let ask = |to: &str, from: Option<&str>| Action::AskRoute { to: to.into(), from: from.map(str::to_string) };
        for _ in 0..2 {
            let outcome = decide(&facts, &mut s, &ask("cafe", Some("hall")), at);
            assert_eq!(outcome, Outcome::Accepted { effects: Vec::new() });
        }
        assert!(matches!(decide(&facts, &mut s, &ask("cafe", None), at), Outcome::Accepted { .. }));
        for bad in [ask("moon", None), ask("cafe", Some("moon"))] {
            let outcome = decide(&facts, &mut s, &bad, at);
            assert!(
                matches!(&outcome, Outcome::Rejected { reason: Reason::UnknownTarget, message } if message.contains("moon")),
                "{outcome:?}"
            );
        }
    }
}
