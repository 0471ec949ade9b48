#include <png.h>
// Swift does not import compound or function-like macros: re-export the ones we need, typed.
static const png_uint_32 CPNG_FORMAT_GRAY = PNG_FORMAT_GRAY;
static const png_uint_32 CPNG_FORMAT_GA = PNG_FORMAT_GA;
static const png_uint_32 CPNG_FORMAT_RGB = PNG_FORMAT_RGB;
static const png_uint_32 CPNG_FORMAT_RGBA = PNG_FORMAT_RGBA;
static const png_uint_32 CPNG_FORMAT_LINEAR_Y = PNG_FORMAT_LINEAR_Y;
static const png_uint_32 CPNG_FORMAT_FLAG_LINEAR = PNG_FORMAT_FLAG_LINEAR;
static const png_uint_32 CPNG_IMAGE_VERSION = PNG_IMAGE_VERSION;
static const png_uint_32 CPNG_FORMAT_LINEAR_Y_ALPHA = PNG_FORMAT_LINEAR_Y_ALPHA;
static const png_uint_32 CPNG_FORMAT_LINEAR_RGB = PNG_FORMAT_LINEAR_RGB;
static const png_uint_32 CPNG_FORMAT_LINEAR_RGB_ALPHA = PNG_FORMAT_LINEAR_RGB_ALPHA;
