//! The command log on PostgreSQL: every change any backend instance makes to the event (a batch
//! of signals, an import, a code redeemed, a live picture published) is appended here as a
//! command, and every instance applies every command, in the log's order, to its own replica.
//!
//! Why not `seq > cursor`: sequence numbers are taken when a row is written, not when its
//! transaction commits. Transaction A takes seq 1, B takes seq 2 and commits first; a reader then
//! sees 2, moves past it, and never sees 1 when A commits — and a replica that skipped a command
//! would decide differently from the others forever. So each row records the transaction that
//! wrote it (`pg_current_xact_id()`), rows are ordered by (transaction, seq), and a reader takes
//! only rows of transactions older than the oldest one still running
//! (`pg_snapshot_xmin(pg_current_snapshot())`): below that, no row can still appear.
//!
//! What it costs: a transaction that stays open holds every reader at its position until it
//! ends (replicas lag, nothing is lost); the backend's transactions are one statement each.

use tokio_postgres::GenericClient;

use super::PgError;

/// The log's table. `txid` is the writing transaction (`xid8`); a transaction's rows are one
/// group commit of an instance and are applied together.
pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS command_log (
    seq bigserial NOT NULL,
    txid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    origin text NOT NULL,
    body text NOT NULL,
    PRIMARY KEY (txid, seq)
);
CREATE TABLE IF NOT EXISTS cluster_meta (key text PRIMARY KEY, value text NOT NULL);
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

    /// As text: `<txid>-<seq>`.
    pub fn encode(self) -> String {
        format!("{}-{}", self.txid, self.seq)
    }

    pub fn decode(text: &str) -> Result<Position, PgError> {
        let bad = || PgError::BadPosition(text.chars().take(80).collect());
        let (txid, seq) = text.split_once('-').ok_or_else(bad)?;
        Ok(Position { txid: txid.parse().map_err(|_| bad())?, seq: seq.parse().map_err(|_| bad())? })
    }
}

/// One command as logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logged {
    pub at: Position,
    /// The instance that appended it.
    pub origin: String,
    pub body: String,
}

/// Creates the log's tables if they are missing.
pub async fn create(client: &impl GenericClient) -> Result<(), PgError> {
    client.batch_execute(SCHEMA).await?;
    Ok(())
}

/// Appends `bodies` from `origin`, in this order, in one statement (one transaction unless the
/// caller's is open): they are applied as one group.
pub async fn append(client: &impl GenericClient, origin: &str, bodies: &[String]) -> Result<(), PgError> {
    client
        .execute(
            "INSERT INTO command_log (origin, body)
             SELECT $1, body FROM unnest($2::text[]) WITH ORDINALITY AS t(body, n) ORDER BY n",
            &[&origin, &bodies],
        )
        .await?;
    Ok(())
}

fn position(txid: &str, seq: i64) -> Result<Position, PgError> {
    Ok(Position { txid: txid.parse().map_err(|_| PgError::BadPosition(txid.into()))?, seq })
}

/// Up to `limit` commands after `after`, oldest first, from transactions that have all ended:
/// none can still commit before the last one returned.
pub async fn read(client: &impl GenericClient, after: Position, limit: i64) -> Result<Vec<Logged>, PgError> {
    let rows = client
        .query(
            // Ordered by the xid8 column, not by its text: an output column named `txid` (as
            // `txid::text` is) would win in ORDER BY, and "998" sorts after "5646".
            "SELECT txid::text AS at_txid, seq, origin, body FROM command_log
              WHERE (txid, seq) > ($1::text::xid8, $2)
                AND txid < pg_snapshot_xmin(pg_current_snapshot())
              ORDER BY command_log.txid, command_log.seq
              LIMIT $3",
            &[&after.txid.to_string(), &after.seq, &limit],
        )
        .await?;
    rows.iter().map(|r| Ok(Logged { at: position(r.get(0), r.get(1))?, origin: r.get(2), body: r.get(3) })).collect()
}

/// The last committed position: a replica that reached it has applied everything committed
/// before this call. Not only the readable part (below the oldest running transaction): a row
/// committed a moment ago behind a transaction still running is committed all the same, and a
/// replica that only waited for the readable part would answer as if it did not exist (a token
/// redeemed on one instance, unknown on the next).
pub async fn head(client: &impl GenericClient) -> Result<Position, PgError> {
    let row = client
        .query_opt(
            "SELECT txid::text AS at_txid, seq FROM command_log
              ORDER BY command_log.txid DESC, command_log.seq DESC LIMIT 1",
            &[],
        )
        .await?;
    match row {
        Some(r) => position(r.get(0), r.get(1)),
        None => Ok(Position::START),
    }
}

/// The cluster's epoch (made by the first instance): feed cursors from any instance are valid
/// on every other.
pub async fn epoch(client: &impl GenericClient, fresh: &str) -> Result<String, PgError> {
    client
        .execute("INSERT INTO cluster_meta (key, value) VALUES ('epoch', $1) ON CONFLICT DO NOTHING", &[&fresh])
        .await?;
    let row = client.query_one("SELECT value FROM cluster_meta WHERE key = 'epoch'", &[]).await?;
    Ok(row.get(0))
}

/// The channel a commit's `NOTIFY` wakes followers on. It carries nothing: the log is the data.
pub const WAKE_CHANNEL: &str = "elements_commands";

/// Wakes every follower after a commit that logged commands. Sent after the commit, not in the
/// transaction: a notification inside it would only add to the commit's work (and NOTIFY takes
/// a database-wide lock at commit).
pub async fn wake(client: &impl GenericClient) -> Result<(), PgError> {
    client.batch_execute(&format!("NOTIFY {WAKE_CHANNEL}")).await?;
    Ok(())
}

/// A connection that listens for wake-ups: the client, and a receiver that yields once per
/// burst of notifications (and ends when the connection does).
pub async fn listen(
    url: &str,
) -> Result<(tokio_postgres::Client, tokio::sync::mpsc::Receiver<()>, tokio::task::JoinHandle<()>), PgError> {
    use futures_util::StreamExt;
    let (client, mut connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
    let (woken, wake_ups) = tokio::sync::mpsc::channel::<()>(1);
    let driver = tokio::spawn(async move {
        let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
        while let Some(Ok(message)) = messages.next().await {
            if let tokio_postgres::AsyncMessage::Notification(_) = message {
                // One pending wake-up is enough: the reader reads everything there is.
                let _ = woken.try_send(());
            }
        }
    });
    client.batch_execute(&format!("LISTEN {WAKE_CHANNEL}")).await?;
    Ok((client, wake_ups, driver))
}

/// Follows the log from `from` on a connection of its own, sending each command to `to` once
/// it is readable: at once when a commit's [`wake`] arrives, and every `every` whatever happens
/// (a lost notification or a rolled back transaction costs latency, never a command). Ends when
/// `to` is closed; an error ends it with the error (the caller reconnects from the last position
/// it got).
pub async fn follow(
    url: &str,
    from: Position,
    every: std::time::Duration,
    to: tokio::sync::mpsc::Sender<Logged>,
) -> Result<(), PgError> {
    let (client, mut wake_ups, driver) = listen(url).await?;
    let mut at = from;
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let outcome = loop {
        tokio::select! {
            _ = tick.tick() => {}
            woke = wake_ups.recv() => if woke.is_none() { break Ok(()) },
        }
        let page = match read(&client, at, 500).await {
            Ok(page) => page,
            Err(e) => break Err(e),
        };
        let full = page.len() == 500;
        for command in page {
            at = command.at;
            if to.send(command).await.is_err() {
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
