//! The change log on PostgreSQL: one row per entity (compacted by key: a new change of an entity
//! moves its row to the end), appended by any backend instance, read page by page by phones.
//!
//! Why not `seq > cursor`: sequence numbers are taken when a row is written, not when its
//! transaction commits. Transaction A takes seq 1, B takes seq 2 and commits first; a reader then
//! sees 2, moves its cursor past it, and never sees 1 when A commits. So each row records the
//! transaction that wrote it (`pg_current_xact_id()`), rows are ordered by (transaction, seq), and
//! a reader takes only rows of transactions older than the oldest one still running
//! (`pg_snapshot_xmin(pg_current_snapshot())`): below that, no row can still appear. A cursor is
//! a [`Position`]; to a client it stays an opaque string.
//!
//! What it costs: a transaction that stays open holds every reader at its position until it
//! ends (the feed lags, nothing is lost); the backend's transactions are short.

use tokio_postgres::GenericClient;

use super::PgError;

/// The log's table. `txid` is the writing transaction (`xid8`); `(kind, id)` is unique: a change
/// of an entity replaces its previous row (and moves it to the end), so reading from the start
/// gives the current state plus tombstones, as the SQLite log does.
pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS change_log (
    seq bigserial NOT NULL,
    txid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    element text NOT NULL,
    kind text NOT NULL,
    id text NOT NULL,
    op text NOT NULL CHECK (op IN ('upsert', 'delete')),
    body text,
    PRIMARY KEY (txid, seq),
    UNIQUE (kind, id)
);
CREATE INDEX IF NOT EXISTS change_log_by_element ON change_log (element, txid, seq);
";

/// Where a reader is in the log: after the row written by transaction `txid` with `seq`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Position {
    pub txid: u64,
    pub seq: i64,
}

impl Position {
    /// The start of the log.
    pub const START: Position = Position { txid: 0, seq: 0 };

    /// As a cursor's text: `<txid>-<seq>`.
    pub fn encode(self) -> String {
        format!("{}-{}", self.txid, self.seq)
    }

    pub fn decode(text: &str) -> Result<Position, PgError> {
        let bad = || PgError::BadCursor(text.chars().take(80).collect());
        let (txid, seq) = text.split_once('-').ok_or_else(bad)?;
        Ok(Position { txid: txid.parse().map_err(|_| bad())?, seq: seq.parse().map_err(|_| bad())? })
    }
}

/// One change as logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logged {
    pub at: Position,
    pub kind: String,
    pub id: String,
    /// `None`: deleted.
    pub body: Option<String>,
}

/// Creates the log's table if it is missing.
pub async fn create(client: &impl GenericClient) -> Result<(), PgError> {
    client.batch_execute(SCHEMA).await?;
    Ok(())
}

/// Logs a change of the entity `kind`/`id` of `element`'s feed (`body` `None`: deleted) in the
/// caller's transaction. Two transactions changing one entity: the second waits for the first
/// (the unique key) and its row is the one that stays.
pub async fn append(
    client: &impl GenericClient,
    element: &str,
    kind: &str,
    id: &str,
    body: Option<&str>,
) -> Result<(), PgError> {
    let op = if body.is_some() { "upsert" } else { "delete" };
    client
        .execute(
            "INSERT INTO change_log (element, kind, id, op, body) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (kind, id) DO UPDATE SET
                 seq = nextval(pg_get_serial_sequence('change_log', 'seq')),
                 txid = pg_current_xact_id(),
                 element = excluded.element, op = excluded.op, body = excluded.body",
            &[&element, &kind, &id, &op, &body],
        )
        .await?;
    Ok(())
}

/// Up to `limit` changes of `element`'s feed after `after`, oldest first, from transactions that
/// have all ended: none can still commit before the last one returned.
pub async fn read(
    client: &impl GenericClient,
    element: &str,
    after: Position,
    limit: i64,
) -> Result<Vec<Logged>, PgError> {
    let rows = client
        .query(
            "SELECT txid::text, seq, kind, id, body FROM change_log
              WHERE element = $1
                AND (txid, seq) > ($2::text::xid8, $3)
                AND txid < pg_snapshot_xmin(pg_current_snapshot())
              ORDER BY txid, seq
              LIMIT $4",
            &[&element, &after.txid.to_string(), &after.seq, &limit],
        )
        .await?;
    rows.iter()
        .map(|r| {
            let txid: String = r.get(0);
            Ok(Logged {
                at: Position { txid: txid.parse().map_err(|_| PgError::BadCursor(txid.clone()))?, seq: r.get(1) },
                kind: r.get(2),
                id: r.get(3),
                body: r.get(4),
            })
        })
        .collect()
}

/// The channel a commit's `NOTIFY` wakes followers on. It carries nothing: the log is the data.
pub const WAKE_CHANNEL: &str = "elements_changes";

/// Wakes every follower after a commit that logged changes. Sent after the commit, not in the
/// transaction: a notification inside it would only add to the commit's work.
pub async fn wake(client: &impl GenericClient) -> Result<(), PgError> {
    client.batch_execute(&format!("NOTIFY {WAKE_CHANNEL}")).await?;
    Ok(())
}

/// Follows `element`'s log from `from` on a connection of its own (one per backend instance),
/// sending each change to `to` once it is readable: at once when a commit's [`wake`] arrives,
/// and every `every` whatever happens (a lost notification or a rolled back transaction costs
/// latency, never a change). Ends when `to` is closed; an error ends it with the error (the
/// caller reconnects from the last position it got).
pub async fn follow(
    url: &str,
    element: &str,
    from: Position,
    every: std::time::Duration,
    to: tokio::sync::mpsc::Sender<Logged>,
) -> Result<(), PgError> {
    use futures_util::StreamExt;
    let (client, mut connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
    // The connection is driven here; its notifications become wake-ups.
    let (woken, mut wake_ups) = tokio::sync::mpsc::channel::<()>(1);
    let driver = tokio::spawn(async move {
        let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
        while let Some(message) = messages.next().await {
            match message {
                Ok(tokio_postgres::AsyncMessage::Notification(_)) => {
                    // One pending wake-up is enough: the reader reads everything there is.
                    let _ = woken.try_send(());
                }
                Ok(_) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    });
    client.batch_execute(&format!("LISTEN {WAKE_CHANNEL}")).await?;
    let mut at = from;
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let outcome = loop {
        tokio::select! {
            _ = tick.tick() => {}
            woke = wake_ups.recv() => if woke.is_none() { break Ok(()) },
        }
        let page = match read(&client, element, at, 500).await {
            Ok(page) => page,
            Err(e) => break Err(e),
        };
        let full = page.len() == 500;
        for change in page {
            at = change.at;
            if to.send(change).await.is_err() {
                driver.abort();
                return Ok(());
            }
        }
        if full {
            // More is waiting: read again without waiting for a tick.
            tick.reset_immediately();
        }
    };
    driver.abort();
    outcome
}
