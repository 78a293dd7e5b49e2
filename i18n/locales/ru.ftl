# Русский. Plural forms follow CLDR: one (1, 21, 31…), few (2–4, 22–24…), many (0, 5–20, 25…), other (fractions).

## Start-up and errors
splash-opening = Открываем ваше мероприятие…
loading = Загрузка…
error-title = Что-то пошло не так
error-not_found = Этого (уже) нет в программе мероприятия.
error-invalid_argument = Приложение запросило то, чего не должно было. Пожалуйста, сообщите об этом.
error-cache_unavailable = Не удалось прочитать данные, сохранённые на устройстве. Перезапустите приложение; если не поможет — переустановите его.
error-unknown_command = Этот экран старше приложения. Перезапустите приложение.
error-unreachable = Сервер мероприятия недоступен. Проверьте адрес и подключение и попробуйте ещё раз.
error-refused = Правила мероприятия этого не разрешают.
error-internal = Произошло что-то неожиданное. Попробуйте ещё раз.
reason-poll_not_open = Голосование ещё не открыто.
reason-poll_closed = Голосование закрыто.
reason-already_voted = Вы уже проголосовали в этом опросе.
reason-already_done = Вы уже это сделали.
reason-unknown_target = Этого нет в программе мероприятия.
reason-not_allowed = С этого устройства так нельзя: экран на площадке показывает результаты, а голосуют со своих телефонов.
reason-unsupported_schema = Сервер мероприятия старше приложения и не понял запрос.
reason-malformed = Запрос неполон. Пожалуйста, сообщите об этом.
reason-bad_signature = Этот код выдан не организаторами мероприятия.
reason-ticket_required = В этом опросе учитываются только голоса по именным билетам.
reason-out_of_order = Этот квест проходится по порядку: сначала найдите предыдущие точки.
reason-quest_not_open = Этот квест ещё не начался.
reason-quest_closed = Этот квест уже закончился.

## Shell
element-agenda = Программа
element-map = Карта
element-voting = Опросы
element-quests = Квесты
element-people = Люди
element-me = Я
element-staff = Стойка
nav-label = Разделы
notice-dismiss = Скрыть
sync-demo = Демо · работает офлайн
sync-offline = Офлайн · сохранённые данные
sync-offline-waiting = Офлайн · { $n } ждут отправки
sync-sending = Отправка: { $n }…
sync-synced = Обновлено { $ago }
sync-connecting = Подключение…
ago-just-now = только что
ago-minutes = { $n } мин назад
ago-hours = { $n } ч назад
ago-days = { $n ->
    [one] { $n } день назад
    [few] { $n } дня назад
   *[many] { $n } дней назад
}

## Agenda
agenda-loading = Загружаем программу…
agenda-track-empty = В этот день в этом треке докладов нет.
agenda-days = Дни программы
sessions-count = { $n ->
    [one] { $n } доклад
    [few] { $n } доклада
   *[many] { $n } докладов
}
search-placeholder = Поиск докладов, спикеров…
search-label = Поиск по программе
search-none = Ничего не найдено по запросу «{ $query }».
search-results = { $n ->
    [one] { $n } результат
    [few] { $n } результата
   *[many] { $n } результатов
}
group-label = Группировка
group-by-time = По времени
group-by-room = По залам
track-filter = Фильтр по трекам
room-none = Зал не указан
minutes = { $n } мин
kind-keynote = Ключевой доклад
kind-talk = Доклад
kind-panel = Дискуссия
kind-workshop = Мастер-класс
kind-lightning = Блиц-доклады
kind-break = Перерыв
now-first-up = Открытие
now-on-now = Сейчас идёт
now-up-next = Далее
now-starts-today = Начинается сегодня
now-starts-tomorrow = Начинается завтра
now-starts-in = { $n ->
    [one] Начало через { $n } день
    [few] Начало через { $n } дня
   *[many] Начало через { $n } дней
}
now-ended = Мероприятие завершилось. Спасибо, что были с нами!
detail-pick = Выберите доклад, чтобы увидеть подробности и спикеров.
detail-when = Когда
detail-where = Где
detail-language = Язык
detail-speakers = { $n ->
    [one] Спикер
   *[other] Спикеры
}

## Voting
voting-none = Опросов пока нет.
voting-offline-venue-screen = Это экран на площадке: он показывает результаты, а голосуют со своих телефонов.
voting-offline-demo = Это встроенное демо-мероприятие: голоса остаются только на этом устройстве.
voting-offline-no-code = Чтобы отправлять голоса, подключитесь по билету или коду мероприятия.
poll-opens = Откроется { $when }
poll-open-until = Открыто до { $time }
poll-closed = Закрыто { $when }
votes-counted = { $n ->
    [0] Голосов пока нет
    [one] Учтён { $n } голос
    [few] Учтено { $n } голоса
   *[many] Учтено { $n } голосов
}
vote-waiting = Ваш голос: { $option } · ждёт отправки
vote-accepted = Ваш голос за «{ $option }» учтён
vote-rejected = Ваш голос за «{ $option }» не учтён: { $why }
poll-ticket-only = Один голос на билет.
poll-ticket-barred = Один голос на билет: чтобы голосовать здесь, подключитесь по коду с вашего именного билета.

## Me
me-device = Это устройство
me-demo = Открыто встроенное демо-мероприятие. Всё работает офлайн; голоса остаются на этом устройстве.
me-synced-from = Данные с сервера
me-synced-ago = обновлено { $ago }
me-never-synced = ещё не обновлялось
me-waiting = { $n ->
    [one] { $n } сигнал ждёт отправки
    [few] { $n } сигнала ждут отправки
   *[many] { $n } сигналов ждут отправки
}
me-retrying = повторяем попытки
me-needs-newer-app = нужна новая версия приложения
me-unencrypted = Адрес события начинается с http://, а не https://: всё, что отправляет приложение (ваш код, профиль и сообщения), может прочитать любой в сети. Попросите у организаторов адрес https://.
join-title = Подключиться к мероприятию
join-intro = Отсканируйте QR-код мероприятия или вставьте его адрес. Билет или код мероприятия позволяют голосовать и сканировать.
join-scan = Сканировать QR-код
join-address = Адрес мероприятия или ссылка
join-code = Билет или код (необязательно)
join-button = Подключиться
join-busy = Подключаемся…
scan-unreadable = Не удалось прочитать снимок; попробуйте другой.
scan-not-join = Это не QR-код для подключения к мероприятию: { $text }
settings-title = Язык и оформление
settings-language = Язык
settings-theme = Тема
settings-system = Как в системе
settings-light = Светлая
settings-dark = Тёмная

## Elements whose screens come later

## Квесты
quests-scan-title = Нашли точку квеста?
quests-scan-help = Сфотографируйте её QR-код или введите код, напечатанный под ним. Код проверяется на этом устройстве сразу, даже без сети.
quests-scan-photo = Фото кода
quests-scan-code = Код точки
quests-scan-check = Проверить
quests-scan-found = { $checkpoint }: найдено. Баллы: +{ $points }.
quests-offline-venue-screen = Это экран на площадке: точки квестов сканируют со своих телефонов.
quests-offline-demo = Это встроенное демо-мероприятие: ваш прогресс хранится только на этом устройстве.
quests-offline-no-code = Чтобы отправлять прогресс, подключитесь по билету или коду мероприятия.
quests-waiting = { $n ->
    [one] { $n } скан ждёт отправки
    [few] { $n } скана ждут отправки
   *[many] { $n } сканов ждут отправки
}
quests-none = В этом мероприятии нет квестов.
quests-points = { $n ->
    [one] { $n } балл
    [few] { $n } балла
   *[many] { $n } баллов
}
quests-revealed = Новое: открыто для вас
quests-progress = Прогресс
quests-found = Найдено { $done } из { $total }
quests-ordered = по порядку
quests-until = до { $when }
quests-rewards = Награды
quests-leaderboard = Рейтинг
checkpoint-done = (найдено)
checkpoint-locked = (откроется после предыдущих шагов)
checkpoint-open = (нужно найти)
checkpoint-by-scan = Отсканируйте её QR-код
reward-show-code = Покажите этот код на стойке информации
reward-code-pending = Открыто: код для стойки придёт, когда телефон будет в сети
reward-demo = Открыто. У демо-мероприятия нет стойки информации, поэтому нет и кода.
reward-at = { $n ->
    [one] за { $n } балл
    [few] за { $n } балла
   *[many] за { $n } баллов
}
leaderboard-anonymous = Участник
card-open = Открыть
card-dismiss = Скрыть
check-in = Я здесь
check-in-done = Вы отметились на этой сессии.

## Опросы всех видов
reason-bad_answer = Этот ответ не подходит к опросу.
quiz-right = Верно!
quiz-wrong = Не совсем: правильный ответ — { $option }.
poll-can-change = Ответ можно изменить, пока опрос открыт; засчитывается последний.
poll-results-hidden = Результаты скрыты, пока организаторы их не покажут.
poll-answered = { $n ->
    [0] Ответов пока нет
    [one] { $n } ответ
    [few] { $n } ответа
   *[many] { $n } ответов
}
poll-kind-multiple = Несколько вариантов
poll-kind-rating = Оценка
poll-kind-words = Облако слов
poll-kind-ranking = Рейтинг
poll-kind-quiz = Викторина
poll-kind-questions = Вопросы
poll-pick-up-to = Выберите не больше { $n }.
poll-send = Отправить
poll-rate = { $value } из { $max }
poll-average = В среднем { $average } из { $max }
poll-text-label = Слово или несколько
poll-rank-hint = Расставьте по порядку, лучшее первым.
poll-move-up = Поднять «{ $option }»
poll-move-down = Опустить «{ $option }»
poll-points = { $n ->
    [one] { $n } балл
    [few] { $n } балла
   *[many] { $n } баллов
}
qa-your-question = Ваш вопрос
qa-anonymous = Спросить анонимно
qa-ask = Спросить
qa-none = Вопросов пока нет: задайте первый.
qa-upvote = { $n ->
    [one] Поддержать ({ $n } голос)
    [few] Поддержать ({ $n } голоса)
   *[many] Поддержать ({ $n } голосов)
}
qa-yours = Ваш вопрос
qa-anonymous-author = Аноним
qa-waiting = ждёт отправки
detail-polls = Опросы
answer-waiting = Ваш ответ: { $answer } · ждёт отправки
answer-accepted = Ваш ответ учтён: { $answer }
answer-rejected = Ваш ответ { $answer } не учтён: { $why }
ranking-first = первым — { $option }
quiz-round = { $n ->
    [one] Раунд на { $n } секунду: ответьте, пока полоса не закончилась.
    [few] Раунд на { $n } секунды: ответьте, пока полоса не закончилась.
   *[many] Раунд на { $n } секунд: ответьте, пока полоса не закончилась.
}

## Карта
map-no-floors = У этого мероприятия нет карты площадки.
map-search = Поиск по площадке
map-search-none = На карте нет ничего по запросу «{ $query }».
map-filter = Показать
map-floor = Этажи
map-canvas-label = Карта площадки. Перетаскивайте или используйте стрелки, колесо или + и − для масштаба.
map-zoom-in = Приблизить
map-zoom-out = Отдалить
map-fit = Весь этаж
map-close = Закрыть
place-room = Зал
place-booth = Стенд
place-food = Еда и напитки
place-toilet = Туалеты
place-exit = Выход
place-stairs = Лестница
place-lift = Лифт
place-info = Инфостойка
place-first-aid = Медпункт
place-meeting-point = Место встречи
map-place-exhibitor = Экспонент:
map-place-now = Сейчас
map-place-next = Далее
map-place-checkpoint = Точка квеста: { $quest }, { $checkpoint }
map-place-route = Маршрут сюда
map-place-here = Я здесь
map-place-link = Ссылка на это место:
map-route-title = До: { $place }
map-route-from-here = От того места, где вы
map-route-from = От: { $place }
map-step-free = Без ступенек (только лифты и пандусы)
map-route-total = { $m } м · около { $min } мин
map-route-not-step-free = Пути без ступенек туда нет: единственный путь — по лестнице или эскалатору. Обратитесь за помощью на инфостойку.
map-route-no-way = На плане площадки нет пути отсюда туда.
map-step-walk = Пройдите { $m } м
map-step-lift-up = Поднимитесь на лифте: { $floor }
map-step-lift-down = Спуститесь на лифте: { $floor }
map-step-stairs-up = Поднимитесь по лестнице: { $floor }
map-step-stairs-down = Спуститесь по лестнице: { $floor }
map-step-escalator-up = Поднимитесь на эскалаторе: { $floor }
map-step-escalator-down = Спуститесь на эскалаторе: { $floor }
map-step-ramp-up = Поднимитесь по пандусу: { $floor }
map-step-ramp-down = Спуститесь по пандусу: { $floor }
map-then-left = { $step }, затем поверните налево
map-then-right = { $step }, затем поверните направо
map-then-back = { $step }, затем развернитесь
map-step-arrive = Вы у цели: { $place }
map-here = Вы здесь
map-here-at = Вы здесь: { $place }
map-here-none = Где вы? Отсканируйте код места на стене или колонне или нажмите «Указать на карте».
map-here-scan = Фото кода места
map-here-pick = Указать на карте
map-here-tap = Нажмите на плане, где вы находитесь.
map-here-code = Код места
map-here-check = Задать
map-here-set = Готово: карта показывает, где вы.
map-help = Нажмите на место, чтобы узнать, что там происходит и как туда пройти.
map-show = Показать на карте
map-take-me = Проведите меня
map-booth-visit = Я посетил этот стенд
map-booth-visited = ✓ Вы посетили этот стенд

## Моё расписание
group-mine = Моё
star-add = Добавить в моё расписание
star-remove = Убрать из моего расписания
mine-empty = Пока ничего не отмечено. Нажмите на звезду у доклада, чтобы собрать своё расписание.
mine-overlap = Пересекается с: { $titles }
mine-take-me = Проведите меня на следующий доклад
mine-export = Добавить в календарь (.ics)
mine-exported = { $n ->
    [one] Сохранён { $n } доклад: { $path }. Откройте файл в приложении календаря.
    [few] Сохранено { $n } доклада: { $path }. Откройте файл в приложении календаря.
   *[many] Сохранено { $n } докладов: { $path }. Откройте файл в приложении календаря.
}
notice-moved = Изменение в вашем расписании: «{ $title }» было { $before }, теперь { $now }.
notice-cancelled = Отменено: «{ $title }» ({ $before }) снято с программы.

## Люди
reason-not_a_contact = Писать можно только контактам: сначала обменяйтесь бейджами.
reason-own_badge = Это ваш собственный бейдж.
people-tab-badge = Бейдж
people-tab-directory = Участники
people-tab-contacts = Контакты
people-tab-suggestions = Для вас
people-tab-profile = Профиль
people-is-contact = Контакт
people-offline-demo = Это демо-мероприятие: всё, что вы делаете, остаётся на этом устройстве. Присоединитесь к мероприятию, чтобы знакомиться.
people-offline-no-code = Чтобы обмениваться контактами, войдите с билетом или кодом мероприятия.
people-offline-venue = Это экран на площадке: он не хранит ничьих данных.
people-badge-title = Мой бейдж
people-badge-help = Дайте отсканировать этот код, чтобы обменяться контактами. Вы оба получите данные друг друга.
people-badge-qr = QR-код бейджа { $code }
people-badge-none = Бейдж появится, когда вы войдёте в мероприятие с билетом или его кодом.
people-scan-title = Сканировать бейдж
people-scan-photo = Фото бейджа
people-scan-code = Или введите код под ним
people-scan-add = Добавить
people-scan-added = Добавлено. Вы увидите друг друга в контактах, когда оба телефона будут в сети.
people-scan-added-name = { $name }: добавлено. Вы увидите друг друга в контактах, когда оба телефона будут в сети.
people-pending = Ждут подтверждения
people-pending-help = Отсканировано здесь; подтвердится, когда устройство будет в сети.
people-recent = Недавние знакомства
people-search = Поиск по имени, организации или интересу
people-interests = Фильтр по интересам
people-found = { $n ->
    [one] { $n } участник
    [few] { $n } участника
   *[many] { $n } участников
}
people-contacts-search = Поиск по контактам, заметкам и меткам
people-export-vcard = Экспорт в vCard
people-exported = { $n ->
    [one] Сохранён { $n } контакт: { $path }. Откройте файл, чтобы добавить в адресную книгу.
    [few] Сохранено { $n } контакта: { $path }. Откройте файл, чтобы добавить в адресную книгу.
   *[many] Сохранено { $n } контактов: { $path }. Откройте файл, чтобы добавить в адресную книгу.
}
people-no-contacts = Контактов пока нет. Отсканируйте чужой бейдж или покажите свой.
people-no-suggestions = Укажите в профиле интересы, что ищете и что можете предложить, и отметьте доклады звёздочкой: подборка строится по ним.
people-why-interests = Общие интересы: { $tags }
people-why-offer = Предлагает то, что вы ищете: { $tags }
people-why-look = Ищет то, что вы предлагаете: { $tags }
people-why-sessions = { $n ->
    [one] Тот же доклад: { $titles }
   *[other] Те же доклады: { $titles }
}
people-who-sees = Кто видит
people-visible-everyone = Все
people-visible-contacts = Мои контакты
people-visible-nobody = Только я
people-tags-hint = дизайн, ИИ, …
people-saved = Сохранено.
people-data-exported = Ваши данные сохранены: { $path }.
people-status-published = Опубликовано: участники видят то, что вы выбрали ниже.
people-status-waiting = Сохранено. Опубликуется, когда устройство будет в сети.
people-status-draft = Ещё не сохранено. Пока вы не сохраните профиль, его никто не видит.
people-status-local = Сохранено только на этом устройстве.
people-forget-waiting = Удалено на этом устройстве. Запрос на удаление с сервера мероприятия уйдёт, когда устройство будет в сети.
people-forget-confirmed = Удалено на этом устройстве, и сервер мероприятия подтвердил удаление своей копии.
people-forget-device = Удалено на этом устройстве. На сервере ничего не было.
people-profile-title = Мой профиль
people-listed = Показывать меня в списке участников
people-listed-help = Выключено: профиль видят только те, с кем вы обменялись бейджами. Включено: все участники видят поля с пометкой «Все».
people-field-name = Имя
people-field-organization = Организация
people-field-role = Должность
people-field-interests = Интересы
people-field-looking_for = Ищу
people-field-offers = Могу предложить
people-field-links = Ссылки
people-field-photo = Фото
people-field-sessions = Мои отмеченные доклады
people-photo-pick = Выбрать фото
people-sessions-help = Помогает найти вас тем, у кого похожие планы.
people-save = Сохранить
people-privacy-title = Мои данные
people-privacy-help = Скачайте всё, что приложение хранит о вас (профиль, контакты и заметки, встречи, сообщения, голоса, баллы, отмеченные доклады), или удалите это здесь и на сервере мероприятия.
me-counted-title = Что видят организаторы
people-privacy-counted = Числа, а не вы: отметки на докладах, визиты к стендам, ответы, шаги квестов и маршруты, которые вы спрашиваете у карты, складываются по докладам, местам и часам; число меньше чем из 5 человек не показывается никому, и никто не видит, где вы были.
people-export-data = Скачать мои данные
people-forget = Удалить мои данные
people-forget-confirm = Удалить профиль, контакты, заметки, встречи, сообщения, голоса, баллы и отмеченные доклады? Ваши контакты тоже потеряют ваши данные. Отменить нельзя.
people-forget-yes = Удалить всё
people-cancel = Оставить
people-meeting-asks-you = { $name } предлагает встретиться. Примите или отклоните.
people-meeting-asked = Ждём ответа: { $name }.
people-meeting-accepted = Принято: встреча в расписании у обоих.
people-meeting-declined = Отклонено.
people-meeting-cancelled = Отменено.
people-waiting = ещё не отправлено
people-accept = Принять
people-decline = Отклонить
people-cancel-meeting = Отменить встречу
people-met = Познакомились { $when }
people-my-note = Моя заметка
people-my-tags = Метки через запятую
people-save-note = Сохранить заметку
people-meetings = Встречи
people-no-meetings = Встреч пока нет.
people-ask-meet = Предложить встречу
people-meet-time = Время
people-meet-place = Место
people-meet-note = О чём? (необязательно)
people-meet-free = Предлагается только свободное время: отмеченные доклады и встречи исключены.
people-meet-send = Отправить
people-messages = Сообщения
people-message = Написать сообщение
people-send = Отправить
people-not-contact-help = Обменяйтесь бейджами, чтобы писать друг другу и видеть больше в профилях.
mine-meetings = Встречи
mine-meeting-with = Кто: { $name } · где: { $place }
mine-meeting-accepted = Принято
mine-meeting-asked = Ждёт ответа
reminder-session = { $n ->
    [0] Начинается: { $title }
    [one] Через { $n } минуту: { $title }
    [few] Через { $n } минуты: { $title }
   *[many] Через { $n } минут: { $title }
}
reminder-meeting = { $n ->
    [0] Встреча сейчас: { $name }
    [one] Через { $n } минуту встреча: { $name }
    [few] Через { $n } минуты встреча: { $name }
   *[many] Через { $n } минут встреча: { $name }
}
reminder-changed = Изменение в вашем расписании: { $title }
reminder-cancelled = Отменено: { $title }
reminder-at = В { $time }
reminder-at-place = В { $time } · { $place }
settings-reminders = Напоминать о моих докладах и встречах
settings-reminders-off = Не напоминать
settings-reminders-minutes = { $n ->
    [one] За { $n } минуту
    [few] За { $n } минуты
   *[many] За { $n } минут
}
people-move-meeting = Предложить время и место ниже
people-unread = { $n ->
    [one] { $n } новое сообщение
    [few] { $n } новых сообщения
   *[many] { $n } новых сообщений
}
reminder-asked = { $name } предлагает встретиться
reminder-message = Сообщение: { $name }
reminder-announcement = От организаторов
reminder-announcement-room = От организаторов: { $place }

## Стойка персонала (планшеты персонала)
staff-not-staff = Это устройство не для персонала: присоединитесь к мероприятию с кодом персонала, чтобы отмечать гостей и выдавать призы.
staff-check-in-title = Регистрация
staff-scan-photo = Сканировать билет или бейдж
staff-gate = Где
staff-pass-code = Код билета или бейджа
staff-admit = Отметить
staff-admit-ok = Отмечен:
staff-admit-conflict = Уже отмечен.
staff-admit-first = Впервые в { $time }, { $place }. Записано как конфликт, учтено один раз.
staff-rewards-title = Выдача призов
staff-rewards-given = { $n ->
    [one] выдан { $n } приз
    [few] выдано { $n } приза
   *[many] выдано { $n } призов
}
staff-reward-code = Код приза
staff-redeem = Выдать приз
staff-rewards-unchecked = Стойка ещё не получила коды мероприятия: коды проверятся, когда она будет в сети.
staff-redeem-valid = Код верный — выдайте:
staff-redeem-unchecked = Записано. Проверится, когда стойка будет в сети.
staff-redeem-used = Уже выдано: этот код использован.
staff-redeem-forged = Это не код приза этого мероприятия: выдуман или набран с ошибкой.
staff-redeem-malformed = Код приза — 8 букв и цифр, например K7Q2-MX4P.
staff-refused-unknown-pass = Это не билет и не бейдж этого мероприятия.
staff-gate-conflicts = { $n ->
    [one] { $n } конфликт
    [few] { $n } конфликта
   *[many] { $n } конфликтов
}
staff-doors = Входы
staff-people-in = { $n ->
    [one] внутри { $n } человек
    [few] внутри { $n } человека
   *[many] внутри { $n } человек
}
staff-conflicts-title = Конфликты
staff-conflicts-none = Ни один билет не прошёл дважды.
staff-this-tablet = этот планшет
staff-other-tablet = планшет { $code }
staff-sessions = Доклады сегодня
staff-recent = Сканы этого планшета
staff-recent-none = На этом планшете ещё ничего не сканировали.
staff-state-waiting = ждёт отправки
staff-state-counted = учтено
staff-state-conflict = конфликт
staff-state-given = выдано
staff-state-refused = отклонено

## Экраны на площадке (режим киоска)
kiosk-offline-since = Нет связи с { $time } · показаны сохранённые данные
kiosk-nothing = Пока нечего показать.
kiosk-now-next = Сейчас и далее
kiosk-now = Сейчас
kiosk-next = Далее
kiosk-full = { $n } из { $max } в зале
kiosk-checked-in = { $n ->
    [one] отмечен { $n }
    [few] отмечено { $n }
   *[many] отмечено { $n }
}
kiosk-poll-live = Опрос идёт
kiosk-final-result = Итог
kiosk-results-hidden = Результаты покажут в конце.
kiosk-answers = { $n ->
    [one] { $n } ответ
    [few] { $n } ответа
   *[many] { $n } ответов
}
kiosk-vote-on-phone = Отсканируйте, чтобы ответить с телефона
kiosk-anonymous = Аноним
kiosk-upvotes = { $n ->
    [one] { $n } голос
    [few] { $n } голоса
   *[many] { $n } голосов
}
kiosk-leaderboard = Таблица лидеров
kiosk-you-are-here = Вы здесь
kiosk-minutes = { $n } мин
kiosk-figures = Мероприятие в цифрах
kiosk-figures-people = участвуют
kiosk-figures-active = активны с { $time }
kiosk-figures-busiest = Самые людные места с { $time }
kiosk-figures-sessions = Самые полные залы
kiosk-figures-routes = Чаще всего ищут дорогу
kiosk-figures-privacy = Только числа, никто лично: число меньше чем из 5 человек не показывается.
kiosk-announcements = Объявления
kiosk-join-title = { $title } на вашем телефоне
kiosk-join-help = Наведите камеру телефона на код: программа, карта и опросы — даже без сети.
staff-tab-desk = Регистрация
staff-tab-polls = Опросы и вопросы
staff-polls-title = Опросы сегодня
staff-polls-none = Сегодня опросов нет.
staff-questions-title = Вопросы из зала
staff-questions-none = Вопросов пока нет.
staff-poll-upcoming = ещё не открыт
staff-poll-open = открыт
staff-poll-closed = закрыт
staff-poll-do-open = Открыть сейчас
staff-poll-do-close = Закрыть сейчас
staff-poll-do-reveal = Показать результаты
staff-poll-do-reset = Сбросить ответы
staff-poll-draft = черновик: видят только организаторы
staff-poll-do-edit = Изменить текст
staff-poll-new = Спросить зал
staff-poll-edit = Изменить опрос
staff-poll-question = Вопрос
staff-poll-kind = Тип
poll-kind-single = Один вариант
staff-poll-options = Варианты, по одному в строке
staff-poll-max-choices = Не больше (пусто: сколько угодно)
staff-poll-scale = Шкала
staff-poll-scale-stars = от 1 до 5 звёзд
staff-poll-scale-ten = от 0 до 10
staff-poll-correct = Правильный ответ
staff-poll-minutes = Открыт (минут)
staff-poll-hide-results = Скрыть результаты, пока я их не покажу
staff-poll-save = Сохранить черновик
staff-poll-saved-hint = Сохранено как черновик: откройте, когда зал будет готов. Текст можно менять до первого ответа.
staff-poll-cancel-edit = Отмена
staff-question-approved = одобрен
staff-question-answered = отвечен
staff-question-on-screens = на экранах
staff-question-do-highlight = Вывести на экраны
staff-question-do-unhighlight = Убрать с экранов
staff-question-do-approve = Одобрить
staff-question-do-answered = Отметить отвеченным
staff-question-do-hide = Скрыть
staff-tab-live = Живая картина
staff-tab-analytics = Аналитика
analytics-title = Что говорят сигналы
analytics-counted = Посчитано в { $time } · участвовали { $people } чел.
analytics-offline = сервер недоступен: последние данные
analytics-privacy = Только числа: число меньше чем из 5 человек не показывается (—), и ничьих личных маршрутов здесь нет.
analytics-none-yet = Данных пока нет: они придут с сервера, когда планшет до него достучится.
analytics-organizers-only = Аналитика — для организаторов.
analytics-venue = Площадка по часам
analytics-activity = Активных людей в час
analytics-sessions = Доклады
analytics-session = Доклад
analytics-attendees = Пришли
analytics-held = Остались
analytics-answers = Ответы
analytics-flows = Куда пошли слушатели дальше
analytics-flows-none = Пока нет потоков от 5 человек.
analytics-funnels = Квесты: людей хотя бы с n точками
analytics-per-attendee = На человека
analytics-engagement = Ответы, вопросы, голоса за вопросы и шаги квестов на активного человека
analytics-routes = Маршруты, которые спрашивали у карты
analytics-routes-none = Пока нет маршрутов, которые спросили 5 человек или больше.
analytics-route-from-spot = Оттуда, где стояли
live-computed = Подсчитано в { $time } · { $n ->
    [one] { $n } участник
    [few] { $n } участника
   *[many] { $n } участников
}
live-not-yet = Сервер ещё не прислал картину: она придёт с первой синхронизацией.
live-goals = Цели
live-goals-none = У мероприятия нет целей.
live-checkins = Регистрация на входах
live-rooms = Залы сейчас
live-rooms-none = Сейчас ничего не идёт.
live-polls = Ответы в опросах
live-voters = { $n ->
    [one] проголосовал { $n } человек
    [few] проголосовали { $n } человека
   *[many] проголосовали { $n } человек
}
live-booths = Посетители стендов
live-quests = Воронка квестов
live-found = найдено { $n }
live-rules = Сработавшие сценарии
live-rewards = Призы: открыто { $n }, выдано { $done }
live-goal-met = { $total ->
    [one] { $n } из { $total } участника
   *[other] { $n } из { $total } участников
}
live-goal-reached = достигнута
live-nothing-yet = Пока ничего.
staff-tab-leads = Контакты стенда
staff-leads-capture = Отсканировать посетителя
staff-leads-scan = Сканировать бейдж
staff-leads-badge = Код бейджа
staff-leads-rating = Насколько перспективен
staff-leads-unrated = без оценки
staff-leads-note = Заметка
staff-leads-save = Сохранить контакт
staff-leads-title = { $n ->
    [one] { $n } контакт
    [few] { $n } контакта
   *[many] { $n } контактов
}
staff-leads-export = Выгрузить в CSV
staff-leads-exported = Сохранено в { $path }
staff-leads-none = Контактов пока нет: отсканируйте бейдж посетителя.
staff-leads-rated = оценка { $n } из 5
staff-leads-unknown-badge = Ни у кого на мероприятии нет такого бейджа.
staff-leads-malformed = Код бейджа — 8 букв и цифр, например K7Q2-MX4P.
announcement-from-organizers = От организаторов
announcement-to-room = От организаторов: { $place }
staff-announce-title = Объявление
staff-announce-to = Кому
staff-announce-everyone = всем
staff-announce-room = всем в зале { $place }
staff-announce-tag = участникам с меткой «{ $name }»
staff-announce-tagged = по метке
staff-announce-send = Отправить
staff-role-organizer = Организатор: все задачи
staff-role-moderator = Модератор: опросы и вопросы
staff-role-door = Вход: регистрация
staff-role-desk = Стойка наград
staff-role-exhibitor = Экспонент: ваши контакты
