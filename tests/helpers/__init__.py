"""Real test helpers: a zxing-cpp decoder and badge videos written with OpenCV."""
