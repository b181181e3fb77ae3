// The authenticity checker: sends the listing to the mining model's scorer and shows the verdict,
// the probability and the reasons in words.
'use strict';
(function () {
  const { el, api, toast } = App;
  document.getElementById('listing').addEventListener('submit', async e => {
    e.preventDefault();
    const body = {};
    for (const [k, v] of new FormData(e.target)) if (v !== '') body[k] = v;
    for (const k of ['size', 'asking_price', 'photo_count', 'seller_sales', 'seller_rating']) if (k in body) body[k] = Number(body[k]);
    try {
      const r = await api('/api/authenticity/check', { method: 'POST', body });
      document.getElementById('result').style.display = '';
      const v = document.getElementById('verdict');
      v.textContent = r.verdict;
      v.className = 'verdict ' + String(r.verdict).replace(/ /g, '_');
      document.getElementById('probability').textContent = `probability of a counterfeit: ${(100 * r.probability).toFixed(1)} % (model ${r.model_version})`;
      document.getElementById('reasons').replaceChildren(...(r.reasons || []).map(x => el('li', {}, x)));
    } catch (err) {
      toast(err.message);
    }
  });
  document.body.dataset.loaded = 'true';
})();
