"""Each photo quality gate refused by an image that trips it, with one line that states the limit."""

from __future__ import annotations

import numpy as np
import pytest

from facesim.datafiles import bundled
from facesim.errors import InputError
from facesim.photo.gates import check_pair, check_photo
from facesim.photo.landmarks import photo_landmarks
from photo_images import eyes_closed, rotated, shrunk, two_faces

pytest.importorskip("mediapipe")


def refused(photo_rgb, **kw) -> str:
    with pytest.raises(InputError) as info:
        check_photo(photo_landmarks(photo_rgb, **kw))
    message = str(info.value)
    assert "\n" not in message
    return message


def test_the_native_photo_passes_every_gate(photo_found):
    g = bundled.photo().gates
    assert check_photo(photo_found) is photo_found
    assert photo_found.ipd_px > g.min_ipd_px  # 43 px on the 512 px portrait
    assert all(v > g.min_eye_openness for v in photo_found.eye_openness.values())


def test_a_blank_image_has_no_face():
    assert "no face found" in refused(np.full((256, 256, 3), 200, np.uint8))


def test_two_faces_need_face_n(photo_rgb):
    photo = two_faces(photo_rgb)
    assert "2 faces found; choose one with --face N" in refused(photo)
    first, second = (check_photo(photo_landmarks(photo, face=n)) for n in (1, 2))
    assert first.iris_centre["left"][0] < photo.shape[1] / 2 < second.iris_centre["right"][0]
    assert "--face 3, but 2 face(s) found" in refused(photo, face=3)


def test_a_face_rotated_60_degrees_is_tilted_beyond_the_limit(photo_rgb):
    message = refused(rotated(photo_rgb, 60.0))
    assert "tilted (roll)" in message and f"at most {bundled.photo().gates.max_roll_deg:g} deg" in message
    assert abs(photo_landmarks(rotated(photo_rgb, 60.0)).pose_deg[2]) > 50.0  # the roll is measured, not guessed


def test_a_small_tilt_passes_and_roll_grows_with_the_rotation(photo_rgb):
    rolls = [photo_landmarks(rotated(photo_rgb, a)).pose_deg[2] for a in (0.0, 10.0)]
    assert rolls[1] < rolls[0] - 8.0  # counter-clockwise as seen lowers the patient's right eye
    check_photo(photo_landmarks(rotated(photo_rgb, 10.0)))


def test_a_face_shrunk_to_40_px_is_too_small(photo_rgb):
    message = refused(shrunk(photo_rgb, 40))
    assert "too small" in message and f"at least {bundled.photo().gates.min_ipd_px:g} px" in message


def test_closed_eyes_are_refused(photo_rgb, photo_found):
    assert "eye looks closed" in refused(eyes_closed(photo_rgb, photo_found))


def test_a_pair_of_different_scale_is_refused(photo_rgb, photo_found):
    import cv2

    far = np.full_like(photo_rgb, 128)
    small = cv2.resize(photo_rgb, (400, 400), interpolation=cv2.INTER_AREA)  # 22 % smaller: the camera moved back
    far[:400, :400] = small
    with pytest.raises(InputError, match=r"times larger on one \(at most"):
        check_pair(photo_found, check_photo(photo_landmarks(far)))
    check_pair(photo_found, photo_found)


def test_a_pair_of_different_pose_is_refused(photo_rgb, photo_found):
    tilted = check_photo(photo_landmarks(rotated(photo_rgb, 15.0)))
    with pytest.raises(InputError, match=r"tilted \(roll\) [+-]\d+ deg more on the smile photo"):
        check_pair(photo_found, tilted)


def test_not_an_image_names_the_field(tmp_path):
    from facesim.photo.image import read_rgb

    bad = tmp_path / "rest.jpg"
    bad.write_text("not a photo")
    with pytest.raises(InputError, match=r"--rest: rest.jpg is not an image"):
        read_rgb(bad, "--rest")
