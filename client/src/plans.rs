//! Floor plans as the map draws them: an SVG kept as it is (sharp at any zoom), or a raster
//! plan (PNG, JPEG) of any size a CAD export gives, cut once into a pyramid of 256-pixel PNG
//! tiles. The map then loads only the tiles in view, at the level the zoom needs, so a
//! 10,000 × 7,000 plan opens as fast as a small one and stays sharp when zoomed in.
//!
//! Level `levels - 1` is the plan at full size; each level below it is half the one above, down
//! to level 0, which fits in one tile. Nothing here touches the cache or the network: the
//! caller stores the tiles as they come (`Cache::store_plan`).

use std::io::Cursor;
use std::sync::mpsc;

use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{DynamicImage, ExtendedColorType, ImageEncoder, ImageReader, Limits};

/// A tile's side, in pixels.
pub const TILE: u32 = 256;
/// The largest plan file accepted (a 10,000 × 7,000 PNG of a CAD plan is 5–40 MB).
pub const MAX_PLAN_BYTES: usize = 64 * 1024 * 1024;
/// The largest side of a raster plan, in pixels.
pub const MAX_SIDE: u32 = 20_000;
/// Memory a decoded plan may take (20,000 × 14,000 RGBA is 1.1 GB; a 10,000 × 7,000 RGB, 210 MB).
const MAX_DECODED: u64 = 1200 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanFormat {
    Svg,
    Raster,
}

/// A plan that cannot be drawn, saying why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("the floor plan is {0} bytes; the largest accepted is {MAX_PLAN_BYTES} bytes: export it smaller")]
    TooLarge(usize),
    #[error("the floor plan is neither an SVG, a PNG nor a JPEG image")]
    UnknownFormat,
    #[error("the floor plan is {width} × {height} pixels; the largest side accepted is {MAX_SIDE}: export it smaller")]
    TooManyPixels { width: u32, height: u32 },
    #[error("the floor plan image cannot be read: {0}")]
    Unreadable(String),
}

/// What the bytes are, from their first bytes (not a file name: a backend may name it anything).
pub fn format_of(bytes: &[u8]) -> Result<PlanFormat, PlanError> {
    if bytes.len() > MAX_PLAN_BYTES {
        return Err(PlanError::TooLarge(bytes.len()));
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") || bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        return Ok(PlanFormat::Raster);
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if (head.starts_with("<svg") || head.starts_with("<?xml") || head.starts_with("<!--")) && head.contains("<svg") {
        return Ok(PlanFormat::Svg);
    }
    Err(PlanError::UnknownFormat)
}

/// One tile of the pyramid, PNG-encoded.
#[derive(Debug, Clone)]
pub struct Tile {
    pub z: u32,
    pub x: u32,
    pub y: u32,
    pub png: Vec<u8>,
}

/// The pyramid's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pyramid {
    pub width: u32,
    pub height: u32,
    pub levels: u32,
}

/// How many levels a plan of this size gets: enough halvings for the whole to fit in one tile.
pub fn levels_for(width: u32, height: u32) -> u32 {
    let mut side = width.max(height).max(1);
    let mut levels = 1;
    while side > TILE {
        side = side.div_ceil(2);
        levels += 1;
    }
    levels
}

/// The pixel size of a raster plan, read from its header without decoding it.
pub fn raster_size(bytes: &[u8]) -> Result<(u32, u32), PlanError> {
    let reader =
        ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|e| PlanError::Unreadable(e.to_string()))?;
    reader.into_dimensions().map_err(|e| PlanError::Unreadable(e.to_string()))
}

/// A plan ready to store: checked, and cut into tiles if it is a raster image.
#[derive(Debug, Clone)]
pub enum PreparedPlan {
    Svg(Vec<u8>),
    Tiles(Pyramid, Vec<Tile>),
}

/// Checks `bytes` and cuts a raster plan into tiles (the slow part, done before the cache is
/// locked, so the app keeps answering while a huge plan is cut).
pub fn prepare(bytes: &[u8]) -> Result<PreparedPlan, PlanError> {
    match format_of(bytes)? {
        PlanFormat::Svg => Ok(PreparedPlan::Svg(bytes.to_vec())),
        PlanFormat::Raster => {
            let mut tiles = Vec::new();
            let pyramid = tile(bytes, |t| {
                tiles.push(t);
                Ok::<_, std::convert::Infallible>(())
            })?;
            match pyramid {
                Ok(p) => Ok(PreparedPlan::Tiles(p, tiles)),
                Err(never) => match never {},
            }
        }
    }
}

/// Cuts a raster plan into its tile pyramid, handing each tile to `sink` as it is made (largest
/// level first), so the tiles never all sit in memory at once. Tiles are encoded on every core.
pub fn tile<E>(bytes: &[u8], mut sink: impl FnMut(Tile) -> Result<(), E>) -> Result<Result<Pyramid, E>, PlanError> {
    if bytes.len() > MAX_PLAN_BYTES {
        return Err(PlanError::TooLarge(bytes.len()));
    }
    let (width, height) = raster_size(bytes)?;
    if width > MAX_SIDE || height > MAX_SIDE || width == 0 || height == 0 {
        return Err(PlanError::TooManyPixels { width, height });
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODED);
    let mut reader =
        ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|e| PlanError::Unreadable(e.to_string()))?;
    reader.limits(limits);
    let decoded = reader.decode().map_err(|e| PlanError::Unreadable(e.to_string()))?;
    // Plans are line drawings: 8 bits per channel, alpha only where the file has it.
    let (mut pixels, channels) = match decoded {
        DynamicImage::ImageRgb8(i) => (i.into_raw(), 3),
        DynamicImage::ImageRgba8(i) => (i.into_raw(), 4),
        other if other.color().has_alpha() => (other.into_rgba8().into_raw(), 4),
        other => (other.into_rgb8().into_raw(), 3),
    };
    let levels = levels_for(width, height);
    let (mut w, mut h) = (width, height);
    for z in (0..levels).rev() {
        let level = Level { pixels: &pixels, width: w, height: h, channels };
        if let Err(e) = encode_level(&level, z, &mut sink)? {
            return Ok(Err(e));
        }
        if z > 0 {
            (pixels, w, h) = halve(&pixels, w, h, channels);
        }
    }
    Ok(Ok(Pyramid { width, height, levels }))
}

struct Level<'a> {
    pixels: &'a [u8],
    width: u32,
    height: u32,
    channels: usize,
}

/// Encodes one level's tiles on every core, passing them to `sink` on this thread.
fn encode_level<E>(
    level: &Level<'_>,
    z: u32,
    sink: &mut impl FnMut(Tile) -> Result<(), E>,
) -> Result<Result<(), E>, PlanError> {
    let (cols, rows) = (level.width.div_ceil(TILE), level.height.div_ceil(TILE));
    let jobs: Vec<(u32, u32)> = (0..rows).flat_map(|y| (0..cols).map(move |x| (x, y))).collect();
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4).min(jobs.len().max(1));
    std::thread::scope(|scope| {
        let (send, receive) = mpsc::sync_channel::<Result<Tile, PlanError>>(workers * 4);
        for worker in 0..workers {
            let send = send.clone();
            let jobs = &jobs;
            scope.spawn(move || {
                for &(x, y) in jobs.iter().skip(worker).step_by(workers) {
                    let tile = encode_tile(level, x, y).map(|png| Tile { z, x, y, png });
                    if send.send(tile).is_err() {
                        return; // the receiver stopped: an error was met
                    }
                }
            });
        }
        drop(send);
        for tile in receive {
            let tile = tile?;
            if let Err(e) = sink(tile) {
                return Ok(Err(e));
            }
        }
        Ok(Ok(()))
    })
}

fn encode_tile(level: &Level<'_>, x: u32, y: u32) -> Result<Vec<u8>, PlanError> {
    let (x0, y0) = (x * TILE, y * TILE);
    let (tw, th) = (TILE.min(level.width - x0), TILE.min(level.height - y0));
    let c = level.channels;
    let row = level.width as usize * c;
    let mut buf = Vec::with_capacity(tw as usize * th as usize * c);
    for r in y0..y0 + th {
        let start = r as usize * row + x0 as usize * c;
        buf.extend_from_slice(&level.pixels[start..start + tw as usize * c]);
    }
    let mut png = Vec::new();
    let color = if c == 4 { ExtendedColorType::Rgba8 } else { ExtendedColorType::Rgb8 };
    PngEncoder::new_with_quality(&mut png, CompressionType::Fast, FilterType::Sub)
        .write_image(&buf, tw, th, color)
        .map_err(|e| PlanError::Unreadable(e.to_string()))?;
    Ok(png)
}

/// The image at half size, each pixel the mean of the 2 × 2 it replaces (edges repeat).
fn halve(src: &[u8], w: u32, h: u32, c: usize) -> (Vec<u8>, u32, u32) {
    let (nw, nh) = (w.div_ceil(2), h.div_ceil(2));
    let (w, h) = (w as usize, h as usize);
    let mut out = vec![0u8; nw as usize * nh as usize * c];
    for y in 0..nh as usize {
        let (r0, r1) = (2 * y, (2 * y + 1).min(h - 1));
        for x in 0..nw as usize {
            let (c0, c1) = (2 * x, (2 * x + 1).min(w - 1));
            for k in 0..c {
                let at = |r: usize, col: usize| u32::from(src[(r * w + col) * c + k]);
                let sum = at(r0, c0) + at(r0, c1) + at(r1, c0) + at(r1, c1);
                out[(y * nw as usize + x) * c + k] = ((sum + 2) / 4) as u8;
            }
        }
    }
    (out, nw, nh)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 200]));
        let mut out = Vec::new();
        PngEncoder::new(&mut out).write_image(img.as_raw(), width, height, ExtendedColorType::Rgb8).unwrap();
        out
    }

    #[test]
    fn a_plan_becomes_a_pyramid_whose_levels_halve_down_to_one_tile() {
        let mut tiles = Vec::new();
        let pyramid = tile(&png(1000, 600), |t| {
            tiles.push(t);
            Ok::<_, ()>(())
        })
        .expect("tiled")
        .expect("stored");
        assert_eq!(pyramid, Pyramid { width: 1000, height: 600, levels: 3 });
        let at = |z: u32| tiles.iter().filter(|t| t.z == z).count();
        // 1000 × 600 → 4 × 3 tiles; 500 × 300 → 2 × 2; 250 × 150 → 1.
        assert_eq!((at(2), at(1), at(0)), (12, 4, 1));
        let corner = tiles.iter().find(|t| (t.z, t.x, t.y) == (2, 3, 2)).expect("the last tile");
        let img = image::load_from_memory(&corner.png).expect("a PNG");
        assert_eq!((img.width(), img.height()), (1000 - 768, 600 - 512), "edge tiles are cut to the plan");
        let whole = image::load_from_memory(&tiles.iter().find(|t| t.z == 0).unwrap().png).unwrap();
        assert_eq!((whole.width(), whole.height()), (250, 150));
    }

    #[test]
    fn what_is_not_a_plan_is_refused_naming_why() {
        assert_eq!(format_of(b"<svg xmlns='http://www.w3.org/2000/svg'/>"), Ok(PlanFormat::Svg));
        assert_eq!(format_of(b"<?xml version='1.0'?>\n<svg/>"), Ok(PlanFormat::Svg));
        assert_eq!(format_of(&png(2, 2)), Ok(PlanFormat::Raster));
        assert_eq!(format_of(b"GIF89a"), Err(PlanError::UnknownFormat));
        assert_eq!(format_of(b"<html><script>"), Err(PlanError::UnknownFormat));
        let mut cut = png(300, 300);
        cut.truncate(cut.len() / 2);
        let e = tile(&cut, |_| Ok::<_, ()>(())).expect_err("a cut file");
        assert!(matches!(e, PlanError::Unreadable(_)), "{e}");
    }

    /// Property: any bytes at all are a plan or an error, never a panic.
    #[test]
    fn any_bytes_are_a_plan_or_an_error() {
        let good = png(40, 30);
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..300 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let mut bytes = good.clone();
            for k in 0..(seed % 6) {
                let i = ((seed >> (k * 8)) as usize) % bytes.len();
                bytes[i] ^= (seed >> 3) as u8;
            }
            bytes.truncate(bytes.len() - (seed % 40) as usize);
            let _ = format_of(&bytes);
            let _ = tile(&bytes, |_| Ok::<_, ()>(()));
        }
    }
}
