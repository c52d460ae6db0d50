"""Display preferences every page needs: elder-friendly mode and text size."""

ELDER_COOKIE = "ll_elder"
TEXT_SIZE_COOKIE = "ll_text"
TEXT_SIZES = ("normal", "large", "xlarge")


def display(request):
    elder = request.COOKIES.get(ELDER_COOKIE) == "1"
    size = request.COOKIES.get(TEXT_SIZE_COOKIE, "large" if elder else "normal")
    if size not in TEXT_SIZES:
        size = "normal"
    return {"elder_mode": elder, "text_size": size}
