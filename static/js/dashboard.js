/* 领导驾驶舱的图表：数据由页面内的 json_script（#dashboard-data）给出，不另发请求。
 * Every data item may carry a `url`: a click opens the rows behind it (drill-down).
 * Values arrive as decimal strings (rounded on the server, half-up); Number() only here,
 * for drawing. Written in ES5 for the older browsers of government intranets. */
(function () {
  'use strict';
  // The period picker: only the month or the quarter that the chosen kind uses.
  var kind = document.getElementById('id_kind');
  function togglePeriodFields() {
    var month = document.getElementById('id_month'), quarter = document.getElementById('id_quarter');
    if (!kind || !month || !quarter) { return; }
    month.disabled = kind.value === 'quarter' || kind.value === 'year';
    quarter.disabled = kind.value !== 'quarter';
  }
  if (kind) { kind.addEventListener('change', togglePeriodFields); togglePeriodFields(); }

  var holder = document.getElementById('dashboard-data');
  if (!holder || !window.echarts) { return; }
  var data = JSON.parse(holder.textContent);
  var charts = [];
  var GREEN = '#2fb344', RED = '#d63939', BLUE = '#206bc4', GREY = '#9ba9be';
  var PALETTE = ['#206bc4', '#4299e1', '#2fb344', '#f59f00', '#ae3ec9', '#d63939', '#17a2b8', '#f76707', '#74b816', '#6574cd'];

  // Tooltips are HTML: names typed by users (units, leading industries, chains) are escaped.
  function esc(text) { return echarts.format.encodeHTML(String(text)); }

  function num(value) { return value === null || value === undefined || value === '' ? null : Number(value); }

  function toolbox(name) {
    return {
      right: 6, top: 0, itemSize: 14,
      feature: { saveAsImage: { title: '保存为图片', name: name + '（' + data.period + '）', pixelRatio: 2, backgroundColor: '#ffffff' } }
    };
  }

  function empty(text) {
    return { type: 'text', left: 'center', top: 'middle', style: { text: text, fill: GREY, fontSize: 14 } };
  }

  function make(id, name, option) {
    var element = document.getElementById(id);
    if (!element) { return null; }
    option.toolbox = toolbox(name);
    option.color = option.color || PALETTE;
    option.animation = false;  // prints and image exports show the final state
    var chart = echarts.init(element, null, { renderer: 'canvas', locale: 'ZH' });
    chart.setOption(option);
    chart.on('click', function (params) {
      var url = params.data && params.data.url;
      if (url) { window.location.href = url; }
    });
    charts.push(chart);
    return chart;
  }

  function items(rows, valueKey) {
    return rows.map(function (row) {
      var item = {}; for (var key in row) { item[key] = row[key]; }
      item.shown = row[valueKey || 'value'];  // the server's rounding, for labels ("2.90", not 2.9)
      item.value = num(item.shown);
      return item;
    });
  }

  // --- 逐月对比 ---
  function trend(id, key, name) {
    var series = data.trend.series[key];
    var total = series['this'].concat(series.last).some(function (item) { return num(item.value); });
    make(id, name, {
      grid: { left: 50, right: 16, top: 36, bottom: 28 },
      legend: { top: 2, left: 'center', data: [data.trend.year, data.trend.last_year] },
      tooltip: {
        trigger: 'axis', formatter: function (points) {
          return points[0].axisValue + points.map(function (p) {
            return '<br>' + p.marker + esc(p.seriesName) + '：' + (p.data.shown === null ? '—' : p.data.shown + ' 亿元');
          }).join('');
        }
      },
      xAxis: { type: 'category', data: data.trend.months },
      yAxis: { type: 'value', name: '亿元', nameGap: 8 },
      series: [
        { name: data.trend.year, type: 'bar', data: items(series['this']), itemStyle: { color: BLUE } },
        { name: data.trend.last_year, type: 'bar', data: items(series.last), itemStyle: { color: GREY } }
      ],
      graphic: total ? [] : [empty('两年均无数据')]
    });
  }
  trend('chart-trend-contracted', 'contracted', '协议引资额逐月对比');
  trend('chart-trend-funds', 'funds', '到位资金逐月对比');

  // --- 各单位排名 ---
  if (data.ranking.length) {
    var ranked = data.ranking.slice().reverse();  // the first at the top
    make('chart-rank-value', '各单位协议引资额排名', {
      grid: { left: 8, right: 90, top: 28, bottom: 8, containLabel: true },
      tooltip: { trigger: 'item', formatter: function (p) { return esc(p.data.full_name) + '<br>第 ' + p.data.rank + ' 名：' + p.data.shown + ' 亿元'; } },
      xAxis: { type: 'value', name: '亿元' },
      yAxis: { type: 'category', data: ranked.map(function (row) { return row.name; }) },
      series: [{
        type: 'bar', data: items(ranked), itemStyle: { color: BLUE },
        label: { show: true, position: 'right', formatter: function (p) { return p.data.shown + '（第' + p.data.rank + '名）'; } }
      }]
    });
    var byCompletion = data.ranking.slice().sort(function (a, b) {
      var x = num(a.completion), y = num(b.completion);
      if (x === null) { return y === null ? 0 : 1; }
      if (y === null) { return -1; }
      return y - x;
    }).reverse();
    make('chart-rank-completion', '各单位年计划完成率', {
      grid: { left: 8, right: 100, top: 28, bottom: 8, containLabel: true },
      tooltip: {
        trigger: 'item', formatter: function (p) {
          var row = p.data;
          if (row.completion === null) { return esc(row.full_name) + '<br>未下达年度目标'; }
          return esc(row.full_name) + '<br>完成 ' + row.completion + '%（第 ' + row.completion_rank + ' 名）<br>' + esc(row.gap);
        }
      },
      xAxis: { type: 'value', name: '%', max: function (v) { return Math.max(100, Math.ceil(v.max / 10) * 10); } },
      yAxis: { type: 'category', data: byCompletion.map(function (row) { return row.name; }) },
      series: [{
        type: 'bar',
        data: byCompletion.map(function (row) {
          var item = items([row], 'completion')[0];
          item.url = row.ytd_url;
          item.itemStyle = { color: row.ahead ? GREEN : RED };
          return item;
        }),
        label: {
          show: true, position: 'right',
          formatter: function (p) { return p.data.completion === null ? '未下达目标' : p.data.completion + '%（第' + p.data.completion_rank + '名）'; }
        },
        markLine: {
          symbol: 'none', silent: true, lineStyle: { color: '#1d273b', type: 'dashed' },
          label: { formatter: '序时进度 ' + data.schedule + '%' },
          data: [{ xAxis: num(data.schedule) }]
        }
      }]
    });
  }

  // --- 阶段漏斗 ---
  var reached = data.funnel.some(function (stage) { return stage.value; });
  make('chart-funnel', '项目阶段漏斗', {
    tooltip: { trigger: 'item', formatter: function (p) { return esc(p.data.name) + '：' + p.data.value + ' 个<br>当前处于' + p.data.stage + '：' + p.data.current + ' 个'; } },
    series: [{
      type: 'funnel', sort: 'none', left: '8%', width: '84%', top: 30, bottom: 10, minSize: '12%', gap: 2,
      label: { position: 'inside', formatter: function (p) { return p.data.name + ' ' + p.data.value; } },
      data: items(data.funnel)
    }],
    graphic: reached ? [] : [empty('暂无在库项目')]
  });

  // --- 行业、产业、产业链 ---
  function bars(id, name, rows, emptyText) {
    var shownRows = rows.slice().reverse();
    make(id, name, {
      grid: { left: 8, right: 70, top: 28, bottom: 8, containLabel: true },
      tooltip: { trigger: 'item', formatter: function (p) { return esc(p.data.name) + '<br>' + p.data.count + ' 个项目，' + p.data.total + ' 亿元'; } },
      xAxis: { type: 'value', name: '亿元' },
      yAxis: { type: 'category', data: shownRows.map(function (row) { return row.name; }), axisLabel: { width: 150, overflow: 'truncate' } },
      series: [{ type: 'bar', data: items(shownRows, 'total'), label: { show: true, position: 'right', formatter: function (p) { return p.data.total; } } }],
      graphic: rows.length ? [] : [empty(emptyText)]
    });
  }
  bars('chart-industry', '签约项目行业分布', data.industry, '本期没有签约项目');
  bars('chart-leading', '主导产业分布', data.leading, '本期签约项目未标注主导产业');
  bars('chart-chains', '产业链分布', data.chains, '本期签约项目未标注产业链');
  make('chart-sectors', '三次产业结构', {
    tooltip: { trigger: 'item', formatter: function (p) { return esc(p.data.name) + '<br>' + p.data.count + ' 个项目，' + p.data.total + ' 亿元（' + p.percent + '%）'; } },
    legend: { bottom: 0 },
    series: [{
      type: 'pie', radius: ['40%', '68%'], center: ['50%', '45%'],
      label: { formatter: function (p) { return p.data.name + '\n' + p.data.total + ' 亿元'; } },
      data: items(data.sectors, 'total')
    }],
    graphic: data.sectors.length ? [] : [empty('本期没有签约项目')]
  });

  // --- 客商来源地 ---
  var provinces = items(data.provinces);
  var most = provinces.reduce(function (max, row) { return Math.max(max, row.value || 0); }, 0);
  var provinceTooltip = function (p) {
    if (!p.data) { return esc(p.name) + '：本期无签约项目'; }
    return esc(p.data.full_name) + '<br>' + p.data.count + ' 个签约项目，' + p.data.shown + ' 亿元';
  };
  if (echarts.getMap && echarts.getMap('china')) {
    make('chart-map', '客商来源地', {
      tooltip: { trigger: 'item', formatter: provinceTooltip },
      visualMap: { min: 0, max: most || 1, left: 10, bottom: 10, text: ['多', '少'], calculable: false, inRange: { color: ['#dbeafe', '#1d4ed8'] }, formatter: function (v) { return v.toFixed(2) + ' 亿元'; } },
      series: [{
        type: 'map', map: 'china', roam: false, zoom: 1.15, top: 40,
        emphasis: { label: { show: true } }, itemStyle: { areaColor: '#f1f5f9', borderColor: '#94a3b8' },
        data: provinces
      }],
      graphic: provinces.length ? [] : [empty('本期没有已填来源地的签约项目')]
    });
  } else {
    // The map file did not load: the same figures as bars.
    bars('chart-map', '客商来源地', data.provinces.map(function (row) {
      return { name: row.full_name, count: row.count, total: row.value, url: row.url };
    }), '本期没有已填来源地的签约项目');
  }

  // --- 窗口大小变化与打印 ---
  // After the layout has settled (print preview and zoom change sizes in steps), and never
  // to nothing: a chart laid out in a zero-sized box has no geometry to draw the map with.
  function resizeNow() {
    charts.forEach(function (chart) {
      var box = chart.getDom();
      if (box.clientWidth > 0 && box.clientHeight > 0) { chart.resize(); }
    });
  }
  var pending = false;
  function resizeSoon() {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; resizeNow(); });
  }
  window.addEventListener('resize', resizeSoon);
  // Printing lays the page out again for A4 and paints at once: resize right away.
  window.addEventListener('beforeprint', resizeNow);
  window.addEventListener('afterprint', resizeNow);
  if (window.matchMedia) {
    var printing = window.matchMedia('print');
    if (printing.addEventListener) { printing.addEventListener('change', resizeNow); }
    else if (printing.addListener) { printing.addListener(resizeNow); }
  }
  window.zhaoshangDashboard = { charts: charts };
})();
