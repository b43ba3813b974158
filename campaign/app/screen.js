/* The command-centre screen's clock (pages/screen.py, campaign/app/screen_assets.py): it ticks in the browser,
   so the server runs the page only for its rotation and new data; one interval per tab. */
(function () {
  if (window.__campaignScreenClock) return;
  const pad = (n) => String(n).padStart(2, "0");
  const zhDays = "日一二三四五六";
  const enDays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  function tick() {
    const d = new Date();
    const time = pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds());
    document.querySelectorAll(".scr-clock").forEach((el) => {
      const en = el.dataset.lang === "en";
      const date = en
        ? enDays[d.getDay()] + " " + d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate())
        : d.getFullYear() + "年" + (d.getMonth() + 1) + "月" + d.getDate() + "日 星期" + zhDays[d.getDay()];
      const t = el.querySelector(".scr-clock-time"), s = el.querySelector(".scr-clock-date");
      if (t && t.textContent !== time) t.textContent = time;
      if (s && s.textContent !== date) s.textContent = date;
    });
  }
  window.__campaignScreenClock = setInterval(tick, 1000);
  tick();
})();
