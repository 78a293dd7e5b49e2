//! Reading a QR code from a picture (the camera's photo of an event's join code). Pure Rust:
//! `image` decodes PNG or JPEG, `rqrr` finds and reads the code.

use elements_protocol::app::{ApiError, ErrorCode, ScannedCode, ScannedKind};

/// Pictures larger than this are refused before decoding.
pub const MAX_IMAGE_BYTES: usize = 15 * 1024 * 1024;

/// Phone photos are large; a code that fills part of the frame is still readable at this size,
/// and the search is quadratic-ish in the pixel count.
const LONGEST_SIDE: u32 = 1600;

pub fn scan(bytes: &[u8]) -> Result<ScannedCode, ApiError> {
    if bytes.is_empty() || bytes.len() > MAX_IMAGE_BYTES {
        return Err(ApiError::new(
            ErrorCode::InvalidArgument,
            format!("the picture must be 1 byte to {} MB", MAX_IMAGE_BYTES / (1024 * 1024)),
        ));
    }
    let picture = image::load_from_memory(bytes).map_err(|e| {
        ApiError::new(ErrorCode::InvalidArgument, format!("this is not a picture the app can read (PNG or JPEG): {e}"))
    })?;
    let picture = if picture.width().max(picture.height()) > LONGEST_SIDE {
        picture.resize(LONGEST_SIDE, LONGEST_SIDE, image::imageops::FilterType::Triangle)
    } else {
        picture
    };
    let grey = picture.to_luma8();
    let (w, h) = (grey.width() as usize, grey.height() as usize);
    let mut prepared =
        rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| grey.get_pixel(x as u32, y as u32).0[0]);
    let mut last_error = None;
    for grid in prepared.detect_grids() {
        match grid.decode() {
            Ok((_, text)) => return Ok(ScannedCode { kind: kind_of(&text), text }),
            Err(e) => last_error = Some(e.to_string()),
        }
    }
    Err(ApiError::new(
        ErrorCode::NotFound,
        match last_error {
            Some(e) => {
                format!("a QR code is in the picture but could not be read ({e}): hold the phone steady and closer")
            }
            None => {
                "no QR code found in this picture: fill the frame with the code, in good light, and try again".into()
            }
        },
    ))
}

fn kind_of(text: &str) -> ScannedKind {
    use elements_protocol::link::Link;
    match Link::parse(text) {
        Ok(Link::Join { .. }) => ScannedKind::Join,
        Ok(Link::Checkpoint { .. }) => ScannedKind::Checkpoint,
        Ok(Link::Place { .. }) => ScannedKind::Place,
        Ok(Link::Here { .. }) => ScannedKind::Location,
        Ok(Link::Badge { .. }) => ScannedKind::Badge,
        Err(_) => ScannedKind::Other,
    }
}
