//! Reading QR codes from pictures: a join code rendered the way a printed badge or a screen
//! shows it, then read back through the app's API.

use elements_client::api::{AppApi, Clock};
use elements_protocol::app::{ErrorCode, ScanArgs, ScannedKind};

/// A PNG of `text` as a QR code: `scale` pixels per module, a quiet zone, optionally rotated.
fn qr_png(text: &str, scale: u32, rotate: bool) -> Vec<u8> {
    let code = qrcode::QrCode::new(text.as_bytes()).expect("encode");
    let n = code.width() as u32;
    let colors = code.to_colors();
    let side = (n + 8) * scale;
    let mut img = image::GrayImage::from_pixel(side, side, image::Luma([255]));
    for (i, c) in colors.iter().enumerate() {
        if *c == qrcode::Color::Dark {
            let (mx, my) = (i as u32 % n, i as u32 / n);
            for dy in 0..scale {
                for dx in 0..scale {
                    img.put_pixel((mx + 4) * scale + dx, (my + 4) * scale + dy, image::Luma([20]));
                }
            }
        }
    }
    let img = if rotate { image::imageops::rotate90(&img) } else { img };
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).expect("png");
    out.into_inner()
}

fn api() -> (tempfile::TempDir, AppApi) {
    let dir = tempfile::tempdir().expect("dir");
    let (api, _) = AppApi::start(dir.path(), Clock::System, &mut |_| {}).expect("start");
    (dir, api)
}

#[test]
fn a_photographed_join_code_reads_back_as_the_join_link() {
    let (_dir, api) = api();
    let link = "elements://join?url=http%3A%2F%2F127.0.0.1%3A8480&code=DEMO-ATTENDEE";
    for (scale, rotate) in [(4, false), (9, true)] {
        let scanned = api.scan_code(ScanArgs { image: qr_png(link, scale, rotate) }).expect("read");
        assert_eq!(scanned.text, link);
        assert_eq!(scanned.kind, ScannedKind::Join);
    }
    let checkpoint = api
        .scan_code(ScanArgs { image: qr_png("elements://checkpoint?event=e&quest=q&checkpoint=c&sig=00", 5, false) })
        .expect("read");
    assert_eq!(checkpoint.kind, ScannedKind::Checkpoint);
}

#[test]
fn pictures_without_a_readable_code_get_a_clear_error() {
    let (_dir, api) = api();
    let err = api.scan_code(ScanArgs { image: b"definitely not a PNG".to_vec() }).expect_err("garbage");
    assert_eq!(err.code, ErrorCode::InvalidArgument);
    assert!(err.message.contains("PNG or JPEG"), "{}", err.message);
    let mut blank = std::io::Cursor::new(Vec::new());
    image::GrayImage::from_pixel(300, 200, image::Luma([255]))
        .write_to(&mut blank, image::ImageFormat::Png)
        .expect("png");
    let err = api.scan_code(ScanArgs { image: blank.into_inner() }).expect_err("no code");
    assert_eq!(err.code, ErrorCode::NotFound);
    assert!(err.message.contains("no QR code"), "{}", err.message);
    let err = api.scan_code(ScanArgs { image: Vec::new() }).expect_err("empty");
    assert_eq!(err.code, ErrorCode::InvalidArgument);
}
