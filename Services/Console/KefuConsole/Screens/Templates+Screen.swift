/// The one template behind every supervisor's and administrator's page (`Screen`). Like every
/// console template it never unescapes: DocumentationTests checks that.
extension Templates {
    static let screens: [String: String] = ["screen": screen, "screen-body": screenBody, "screen-form": screenForm]

    static let screen = """
        {{<layout}}{{$content}}
        <section class="screen" id="screen"{{#refresh}} data-refresh="{{refresh}}"{{/refresh}}>
          <h1>{{heading}}</h1>
          <div id="screen-body">{{> screen-body}}</div>
        </section>
        {{/content}}{{/layout}}
        """

    static let screenBody = """
        {{#sections}}<section class="panel" id="{{id}}"><h2>{{heading}}</h2>
        {{#unavailable}}<p class="unavailable" role="alert">{{t.unavailable}} ({{unavailable}})</p>{{/unavailable}}
        {{#text}}<p>{{text}}</p>{{/text}}
        {{#has_lines}}<ul class="lines">{{#lines}}<li>{{.}}</li>{{/lines}}</ul>{{/has_lines}}
        {{#chart}}<figure class="chart"><figcaption>{{title}}</figcaption><svg xmlns="http://www.w3.org/2000/svg" role="img" width="{{width}}" height="{{height}}" viewBox="0 0 {{width}} {{height}}">{{#bars}}<text x="{{label_x}}" y="{{text_y}}" text-anchor="end" font-size="12" fill="#333">{{label}}</text><rect x="{{bar_x}}" y="{{y}}" width="{{width}}" height="16" fill="#2f6fb0"></rect><text x="{{value_x}}" y="{{text_y}}" font-size="12" fill="#333">{{shown}}</text>{{/bars}}</svg></figure>{{/chart}}
        {{#table}}<table class="tickets" id="{{id}}"><thead><tr>{{#columns}}<th>{{.}}</th>{{/columns}}</tr></thead><tbody>
        {{#rows}}<tr data-key="{{key}}"{{#row_tone}} class="{{row_tone}}"{{/row_tone}}>{{#cells}}<td{{#tone}} class="{{tone}}"{{/tone}}>{{#due}}<span class="due" data-due="{{due}}"{{#warn}} data-warn="{{warn}}"{{/warn}}>{{text}}</span>{{/due}}{{^due}}{{#link}}<a href="{{link}}">{{text}}</a>{{/link}}{{^link}}{{text}}{{/link}}{{/due}}</td>{{/cells}}{{#has_actions}}<td class="row-actions">{{#actions}}{{> screen-form}}{{/actions}}</td>{{/has_actions}}</tr>{{/rows}}
        {{^has_rows}}<tr class="empty"><td colspan="{{width}}">{{empty}}</td></tr>{{/has_rows}}
        </tbody></table>{{/table}}
        {{#forms}}{{> screen-form}}{{/forms}}
        </section>{{/sections}}
        """

    static let screenForm = """
        <form method="{{method}}" action="{{action}}" id="{{id}}" class="{{#inline}}inline{{/inline}}{{^inline}}filters{{/inline}}"{{#multipart}} enctype="multipart/form-data"{{/multipart}}>
        {{#posts}}<input type="hidden" name="csrf" value="{{csrf}}">{{/posts}}
        {{#has_problems}}<ul class="problems" role="alert">{{#problems}}<li>{{.}}</li>{{/problems}}</ul>{{/has_problems}}
        {{#fields}}{{#is_hidden}}<input type="hidden" name="{{name}}" value="{{value}}">{{/is_hidden}}{{^is_hidden}}<label for="{{field_id}}">{{label}}
        {{#is_text}}<input id="{{field_id}}" name="{{name}}" value="{{value}}"{{#required}} required{{/required}}>{{/is_text}}
        {{#is_date}}<input id="{{field_id}}" type="date" name="{{name}}" value="{{value}}"{{#required}} required{{/required}}>{{/is_date}}
        {{#is_number}}<input id="{{field_id}}" type="number" step="any" name="{{name}}" value="{{value}}"{{#required}} required{{/required}}>{{/is_number}}
        {{#is_textarea}}<textarea id="{{field_id}}" name="{{name}}" rows="4"{{#required}} required{{/required}}>{{value}}</textarea>{{/is_textarea}}
        {{#is_checkbox}}<input id="{{field_id}}" type="checkbox" name="{{name}}" value="true"{{#checked}} checked{{/checked}}>{{/is_checkbox}}
        {{#is_select}}<select id="{{field_id}}" name="{{name}}">{{#options}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{text}}</option>{{/options}}</select>{{/is_select}}
        {{#is_file}}<input id="{{field_id}}" type="file" name="{{name}}"{{#required}} required{{/required}}>{{/is_file}}
        {{#hint}}<small>{{hint}}</small>{{/hint}}{{#error}}<span class="field-error" role="alert">{{error}}</span>{{/error}}</label>{{/is_hidden}}{{/fields}}
        <button type="submit" id="{{id}}-submit">{{submit}}</button>
        {{#alternate_action}}<button type="submit" formaction="{{alternate_action}}" id="{{id}}-alternate">{{alternate_submit}}</button>{{/alternate_action}}
        </form>
        """
}
