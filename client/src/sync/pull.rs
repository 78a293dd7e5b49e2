//! Pulling: joining a backend, its manifest, and each Element's changes feed into the cache
//! (pages pipelined, each page and its cursor in one transaction).

use super::*;

/// Joins the event a backend serves: stores its manifest (replacing another event's data).
pub fn join(cache: &Mutex<Cache>, remote: &Remote) -> Result<Manifest, SyncError> {
    let (manifest, etag, unknown) = remote.manifest_with_unknown(None)?.ok_or_else(|| SyncError::Garbled {
        url: format!("{}/v1/manifest", remote.base()),
        detail: "304 without If-None-Match".into(),
    })?;
    lock(cache).set_manifest_read(&manifest, &format!("backend:{}", remote.base()), etag.as_deref(), &unknown)?;
    Ok(manifest)
}

/// Reads the manifest again (with `If-None-Match`): a renamed event, a new Element or a moved
/// `base_url` reaches a device that joined earlier. True when it changed.
pub fn refresh_manifest(cache: &Mutex<Cache>, remote: &Remote) -> Result<bool, SyncError> {
    let etag = lock(cache).manifest_etag()?;
    let Some((manifest, etag, unknown)) = remote.manifest_with_unknown(etag.as_deref())? else { return Ok(false) };
    let mut c = lock(cache);
    let changed = c.loaded_event()?.is_none_or(|e| e.manifest != manifest) || c.unknown_elements()? != unknown;
    // Stored either way: an unchanged manifest may come with a new ETag.
    c.set_manifest_read(&manifest, &format!("backend:{}", remote.base()), etag.as_deref(), &unknown)?;
    Ok(changed)
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PullReport {
    pub pages: u32,
    pub changes: usize,
    pub not_modified: bool,
    pub started_over: bool,
}

/// Pages through one Element's feed until the backend has nothing more (bounded).
///
/// Pipelined: while one page is being applied, the next is already on its way (each page
/// names the cursor for the next, so fetching need not wait for storing). A page and its cursor
/// are still stored together, in order; a failure stops both sides and keeps what was applied.
pub fn pull(
    cache: &Mutex<Cache>,
    remote: &Remote,
    element: ElementKind,
    page_size: u32,
) -> Result<PullReport, SyncError> {
    let mut report = PullReport::default();
    if element == ElementKind::People {
        // A token redeemed before this backend had people carries no badge: redeeming the
        // same code again yields the same participant, now with their profile id and badge.
        let credential = lock(cache).credential(remote.base())?;
        if credential.is_some_and(|c| c.token.is_some() && c.badge.is_none() && c.role.as_deref() != Some("kiosk")) {
            redeem(cache, remote)?;
        }
    }
    loop {
        match pull_pipelined(cache, remote, element, page_size, &mut report) {
            Err(SyncError::Rejected { code: Some(WireErrorCode::StartOver), .. }) if !report.started_over => {
                lock(cache).reset_element(element)?;
                report.started_over = true;
            }
            other => return other.map(|()| report),
        }
    }
}

/// The token to send to this backend now (redeeming the stored code if there is no token
/// yet), and whether there is a code to redeem again on a 401.
pub(super) fn current_token(cache: &Mutex<Cache>, remote: &Remote) -> Result<(Option<String>, bool), SyncError> {
    let credential = lock(cache).credential(remote.base())?;
    match credential {
        None => Ok((None, false)),
        Some(c) => match c.token {
            Some(t) => Ok((Some(t), true)),
            None => Ok((redeem(cache, remote)?, true)),
        },
    }
}

/// SQLite's automatic checkpoints held while it lives ([`Cache::hold_checkpoints`]).
struct CheckpointsHeld<'a>(&'a Mutex<Cache>);

impl<'a> CheckpointsHeld<'a> {
    fn new(cache: &'a Mutex<Cache>) -> Result<Self, SyncError> {
        lock(cache).hold_checkpoints(true)?;
        Ok(CheckpointsHeld(cache))
    }
}

impl Drop for CheckpointsHeld<'_> {
    fn drop(&mut self) {
        // Failing here leaves the next automatic checkpoint to do it.
        let _ = lock(self.0).hold_checkpoints(false);
    }
}

pub(super) fn pull_pipelined(
    cache: &Mutex<Cache>,
    remote: &Remote,
    element: ElementKind,
    page_size: u32,
    report: &mut PullReport,
) -> Result<(), SyncError> {
    let path = format!("/v1/elements/{}/changes", element.as_str());
    let (cursor, etag) = lock(cache).sync_position(element)?;
    let etag = etag.filter(|_| cursor.is_some());
    let days = lock(cache).programme_days()?;
    // A public feed is read without a token where this backend does not know the code (an
    // Element on another backend than the one the code came from): its data still arrives.
    let public = !element.feed_needs_token();
    let (mut token, has_code) = match current_token(cache, remote) {
        Err(e) if public && e.is_unauthorized() => (None, false),
        other => other?,
    };
    // A first pull may be thousands of rows: the file is written once, after (however it ends).
    let _held = match cursor {
        None => Some(CheckpointsHeld::new(cache)?),
        Some(_) => None,
    };
    std::thread::scope(|scope| {
        // Two pages in flight at most: memory stays bounded on a large first sync.
        let (pages, arriving) = std::sync::mpsc::sync_channel::<Result<Fetched<StoredPage>, SyncError>>(2);
        let path = &path;
        scope.spawn(move || {
            let mut cursor = cursor;
            let mut etag = etag;
            for _ in 0..100_000 {
                let mut query = vec![("limit", page_size.to_string())];
                if let Some(c) = &cursor {
                    query.push(("cursor", c.clone()));
                }
                let mut fetched = remote.get::<StoredPage>(path, &query, etag.as_deref(), token.as_deref());
                if fetched.as_ref().err().is_some_and(SyncError::is_unauthorized) && has_code {
                    // The backend forgot the token: redeem the code again, once.
                    fetched = (|| {
                        lock(cache).drop_token(remote.base())?;
                        token = match redeem(cache, remote) {
                            Err(e) if public && e.is_unauthorized() => None,
                            other => other?,
                        };
                        remote.get::<StoredPage>(path, &query, etag.as_deref(), token.as_deref())
                    })();
                }
                let next = match &fetched {
                    Ok(Fetched::Fresh(page, _)) if page.more => Some(page.cursor.clone()),
                    _ => None,
                };
                if pages.send(fetched).is_err() {
                    return;
                }
                match next {
                    Some(c) => {
                        cursor = Some(c);
                        etag = None;
                    }
                    None => return,
                }
            }
        });
        for fetched in arriving {
            match fetched? {
                Fetched::NotModified => {
                    lock(cache).mark_fresh(element)?;
                    report.not_modified = true;
                    return Ok(());
                }
                Fetched::Fresh(page, new_etag) => {
                    if page.element != element {
                        return Err(SyncError::Garbled {
                            url: format!("{}{path}", remote.base()),
                            detail: format!("asked for {element:?}, got {:?}", page.element),
                        });
                    }
                    lock(cache).apply_page(
                        element,
                        remote.base(),
                        &days,
                        &page.changes,
                        &page.cursor,
                        new_etag.as_deref(),
                    )?;
                    report.pages += 1;
                    report.changes += page.changes.len();
                    if remote.trace {
                        eprintln!(
                            "elements: sync: {} page {} applied ({} changes)",
                            element.as_str(),
                            report.pages,
                            page.changes.len()
                        );
                    }
                    if !page.more {
                        return Ok(());
                    }
                }
            }
        }
        Err(SyncError::Garbled { url: format!("{}{path}", remote.base()), detail: "the feed never ended".into() })
    })
}
