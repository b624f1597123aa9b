import {translateSlackMarkup} from './slack_markup';

describe('translateSlackMarkup', () => {
    it.each([
        ['<https://ci.example.com/1|build #1> passed', '[build #1](https://ci.example.com/1) passed'],
        ['see <https://example.com>', 'see https://example.com'],
        ['<!channel> deploy done', '@channel deploy done'],
        ['<!here|here> and <!everyone>', '@here and @all'],
        ['<!all>', '@all'],
        ['ping <@U024BE7LH|bob>', 'ping @bob'],
        ['in <#C024BE7LR|general>', 'in ~general'],
        ['a < b and c > d', 'a < b and c > d'],
        ['<@U024BE7LH> has no name to use', '<@U024BE7LH> has no name to use'],
        ['<mailto:a@b.c|mail us>', '[mail us](mailto:a@b.c)'],
    ])('%s', (input, output) => {
        expect(translateSlackMarkup(input)).toBe(output);
    });
});
